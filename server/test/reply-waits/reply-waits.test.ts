import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Db } from '../../src/db/db';
import { RESUME_ID_HEADER } from '../../src/reply-waits/reply-wait-queue';
import { startAiHarness, type AiHarness } from '../ai/support/ai-harness';
import { ADAPTERS, eventually, seedWorkspace, signIn } from '../inbox/support/inbox-app';
import { LONG } from '../outbox/support/outbox-harness';

/** A loopback HTTP receiver standing in for n8n's resume URL: records every POST, answers the statuses it is told to. */
class ResumeReceiver {
	readonly requests: Array<{ path: string; headers: IncomingHttpHeaders; body: any }> = [];
	readonly answers = new Map<string, number[]>();
	private server?: Server;
	url = '';

	async start(): Promise<this> {
		this.server = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				this.requests.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') });
				res.statusCode = this.answers.get(req.url ?? '')?.shift() ?? 200;
				res.end('{}');
			});
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		return this;
	}

	on(path: string) {
		return this.requests.filter((r) => r.path === path);
	}

	async close(): Promise<void> {
		await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
	}
}

const CHOICES = [
	{ key: '1', label: 'Sim' },
	{ key: '2', label: 'Não' },
];

/**
 * Send and Wait for Reply's server side on both adapters, against the Evolution sandbox, a loopback model and a
 * loopback receiver for n8n's resume URL: the contact's next message resumes the wait once (also when Evolution
 * delivers it again), numbered choices are matched, a timeout resumes with timedOut, the AI leaves the awaited reply
 * alone, and waits stay inside their workspace.
 */
describe.each(ADAPTERS)('reply waits on %s', (_name, open: () => Promise<Db>) => {
	let h: AiHarness;
	let receiver: ResumeReceiver;
	let path = 0;
	beforeAll(async () => {
		h = await startAiHarness(open, { WEBHOOK_DELIVERY_RETRY_MS: '100', WEBHOOK_DELIVERY_ATTEMPTS: '4' });
		receiver = await new ResumeReceiver().start();
	}, 300_000);
	afterAll(async () => {
		await h?.close();
		await receiver?.close();
	});

	const resumePath = () => `/webhook-waiting/${++path}`;
	const openWait = async (conversationId: string, body: Record<string, unknown>, authorization = h.admin) => {
		const answer = await h.server.call('POST', `/api/v1/conversations/${conversationId}/reply-waits`, authorization, body);
		expect(answer.statusCode).toBe(201);
		return answer.json().wait as { id: string; status: string };
	};
	const waitOf = async (id: string) => (await h.server.call('GET', `/api/v1/reply-waits/${id}`, h.admin)).json().wait;
	const deliveriesOf = async (channel: { name: string }, text: string) => {
		const { body } = await h.sandbox.get(`/_sandbox/deliveries?instance=${channel.name}&event=messages.upsert`);
		const list = (Array.isArray(body) ? body : body.deliveries) as Array<{ url: string; headers: Record<string, string>; body: any }>;
		return list.filter((d) => JSON.stringify(d.body).includes(text));
	};
	const replay = (delivery: { url: string; headers: Record<string, string>; body: unknown }) =>
		fetch(delivery.url, { method: 'POST', headers: { ...delivery.headers, 'content-type': 'application/json' }, body: JSON.stringify(delivery.body) });

	it('resumes once with the reply and the matched choice, also when the message is delivered again', async () => {
		const channel = await h.channel();
		const phone = h.phone();
		await h.say(channel, phone, 'Quero confirmar minha consulta');
		const conversationId = await h.conversationOf(channel, phone);
		const target = resumePath();
		const wait = await openWait(conversationId, { resumeUrl: `${receiver.url}${target}`, choices: CHOICES, timeoutSeconds: 3600, clientId: `exec-${target}` });
		expect(wait.status).toBe('open');
		// The same clientId (n8n retrying the call) answers the same wait.
		expect((await openWait(conversationId, { resumeUrl: `${receiver.url}${target}`, timeoutSeconds: 3600, clientId: `exec-${target}` })).id).toBe(wait.id);

		await h.say(channel, phone, 'sim!');
		const [posted] = await eventually(() => {
			expect(receiver.on(target)).toHaveLength(1);
			return receiver.on(target);
		}, LONG);
		expect(posted.headers[RESUME_ID_HEADER]).toBe(wait.id);
		expect(posted.body).toMatchObject({
			waitId: wait.id,
			timedOut: false,
			conversationId,
			reply: { text: 'sim!', type: 'text', choice: '1', messageId: expect.any(String) },
			contact: { phone: `+${phone}` },
		});
		expect(posted.body.contact).not.toHaveProperty('resumeUrl');
		await eventually(async () => expect(await waitOf(wait.id)).toMatchObject({ status: 'answered', resumeStatus: 'delivered', resumeAttempts: 1, replyMessageId: posted.body.reply.messageId }), LONG);
		const shown = await h.server.call('GET', `/api/v1/reply-waits/${wait.id}`, h.admin);
		expect(shown.body).not.toContain(receiver.url);

		// Evolution delivering the message again (and again) resumes nothing more; nor does the next message.
		const [delivery] = await eventually(async () => {
			const found = await deliveriesOf(channel, 'sim!');
			expect(found.length).toBeGreaterThan(0);
			return found;
		}, LONG);
		for (const answer of await Promise.all([replay(delivery), replay(delivery), replay(delivery)])) expect(answer.status).toBe(200);
		await h.say(channel, phone, 'obrigado');
		// A second wait opened after them hears only what comes next: everything before it was dealt with.
		const later = resumePath();
		const second = await openWait(conversationId, { resumeUrl: `${receiver.url}${later}`, choices: CHOICES, timeoutSeconds: 3600 });
		await h.say(channel, phone, '2');
		await eventually(() => expect(receiver.on(later).map((r) => r.body.reply)).toEqual([expect.objectContaining({ text: '2', choice: '2' })]), LONG);
		expect(receiver.on(target)).toHaveLength(1);
		expect((await waitOf(second.id)).status).toBe('answered');
	});

	it('sends free text without a choice, and retries the resume with back-off until the receiver takes it', async () => {
		const channel = await h.channel();
		const conversation = await h.conversation(channel);
		const target = resumePath();
		receiver.answers.set(target, [503, 500]);
		const wait = await openWait(conversation.id, { resumeUrl: `${receiver.url}${target}`, choices: CHOICES, timeoutSeconds: 3600 });
		await h.say(channel, conversation.from, 'talvez amanhã');
		await eventually(async () => expect(await waitOf(wait.id)).toMatchObject({ status: 'answered', resumeStatus: 'delivered', resumeAttempts: 3 }), LONG);
		const posts = receiver.on(target);
		expect(posts).toHaveLength(3);
		expect(new Set(posts.map((p) => p.headers[RESUME_ID_HEADER]))).toEqual(new Set([wait.id]));
		for (const post of posts) expect(post.body.reply).toEqual({ text: 'talvez amanhã', type: 'text', messageId: expect.any(String) });
	});

	it('resumes with timedOut when no reply comes in time, and a later message resumes nothing', async () => {
		const channel = await h.channel();
		const conversation = await h.conversation(channel);
		const target = resumePath();
		const wait = await openWait(conversation.id, { resumeUrl: `${receiver.url}${target}`, choices: CHOICES, timeoutSeconds: 1 });
		await eventually(() => expect(receiver.on(target)).toHaveLength(1), LONG);
		expect(receiver.on(target)[0].body).toMatchObject({ waitId: wait.id, timedOut: true, reply: null, conversationId: conversation.id });
		await eventually(async () => expect(await waitOf(wait.id)).toMatchObject({ status: 'timed_out', resumeStatus: 'delivered' }), LONG);

		// A cancelled wait resumes nothing either; cancelling a closed one is a 409.
		const cancelledPath = resumePath();
		const cancelled = await openWait(conversation.id, { resumeUrl: `${receiver.url}${cancelledPath}`, timeoutSeconds: 3600 });
		expect((await h.server.call('DELETE', `/api/v1/reply-waits/${cancelled.id}`, h.admin)).statusCode).toBe(204);
		expect((await h.server.call('DELETE', `/api/v1/reply-waits/${wait.id}`, h.admin)).statusCode).toBe(409);
		const watcher = resumePath();
		await openWait(conversation.id, { resumeUrl: `${receiver.url}${watcher}`, timeoutSeconds: 3600 });
		await h.say(channel, conversation.from, 'cheguei tarde');
		await eventually(() => expect(receiver.on(watcher)).toHaveLength(1), LONG);
		expect(receiver.on(target)).toHaveLength(1);
		expect(receiver.on(cancelledPath)).toHaveLength(0);
		expect((await waitOf(cancelled.id)).status).toBe('cancelled');
	});

	it('keeps the AI auto-reply away from the reply a workflow waits for', async () => {
		const channel = await h.channel();
		await h.agent(channel, { trigger: { type: 'all' } });
		const phone = h.phone();
		h.model.respond = () => ({ reply: 'Olá! Em que posso ajudar?' });
		await h.say(channel, phone, 'Oi, bom dia');
		const conversationId = await h.conversationOf(channel, phone);
		await eventually(async () => expect(await h.aiMessages(conversationId)).toHaveLength(1), LONG);
		await h.handled(conversationId);

		const target = resumePath();
		await openWait(conversationId, { resumeUrl: `${receiver.url}${target}`, choices: CHOICES, timeoutSeconds: 3600 });
		await h.say(channel, phone, 'Não');
		await eventually(() => expect(receiver.on(target).map((r) => r.body.reply.choice)).toEqual(['2']), LONG);

		// The next message, with no wait open, is the AI's again: it answers that one only.
		h.model.respond = () => ({ reply: 'Claro, posso ajudar com outra coisa.' });
		await h.say(channel, phone, 'Tenho outra pergunta');
		await eventually(async () => expect((await h.aiMessages(conversationId)).map((m) => m.body)).toEqual(['Olá! Em que posso ajudar?', 'Claro, posso ajudar com outra coisa.']), LONG);
		await h.handled(conversationId);
		const lastUserLines = h.model.requests.filter((r) => r.path.endsWith('/chat/completions')).map((r) => r.body.messages.at(-1).content);
		expect(lastUserLines).not.toContain('Não');
		expect((await h.aiMessages(conversationId)).map((m) => m.body)).toHaveLength(2);
	});

	it('refuses bad input with a 400, and keeps waits inside their workspace', async () => {
		const channel = await h.channel();
		const conversation = await h.conversation(channel);
		for (const body of [
			{ resumeUrl: 'ftp://example.com/x', timeoutSeconds: 60 },
			{ resumeUrl: 'not a url', timeoutSeconds: 60 },
			{ resumeUrl: `${receiver.url}/x`, timeoutSeconds: 0 },
			{ resumeUrl: `${receiver.url}/x` },
			{ resumeUrl: `${receiver.url}/x`, timeoutSeconds: 60, choices: [{ key: '1', label: 'Sim' }, { key: '1', label: 'Outro' }] },
		]) {
			const answer = await h.server.call('POST', `/api/v1/conversations/${conversation.id}/reply-waits`, h.admin, body);
			expect({ body, status: answer.statusCode }).toEqual({ body, status: 400 });
		}
		// An agent (member) may wait on a conversation, like the other conversation routes.
		const agent = (await signIn(h.server, h.workspace.agent.email)).authorization;
		const target = resumePath();
		const wait = await openWait(conversation.id, { resumeUrl: `${receiver.url}${target}`, timeoutSeconds: 3600 }, agent);

		const other = await seedWorkspace(h.db, h.server.runtime.integrationsKey, { messages: 0 });
		const stranger = (await signIn(h.server, other.admin.email)).authorization;
		expect((await h.server.call('GET', `/api/v1/reply-waits/${wait.id}`, stranger)).statusCode).toBe(404);
		expect((await h.server.call('DELETE', `/api/v1/reply-waits/${wait.id}`, stranger)).statusCode).toBe(404);
		expect((await h.server.call('GET', `/api/v1/conversations/${conversation.id}/reply-waits`, stranger)).statusCode).toBe(404);
		const foreign = await h.server.call('POST', `/api/v1/conversations/${conversation.id}/reply-waits`, stranger, { resumeUrl: `${receiver.url}/x`, timeoutSeconds: 60 });
		expect(foreign.statusCode).toBe(404);
		expect((await waitOf(wait.id)).status).toBe('open');
		const listed = await h.server.call('GET', `/api/v1/conversations/${conversation.id}/reply-waits`, h.admin);
		expect(listed.json().data.map((w: { id: string }) => w.id)).toContain(wait.id);
		expect((await h.server.call('DELETE', `/api/v1/reply-waits/${wait.id}`, agent)).statusCode).toBe(204);
	});
});
