import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Db } from '../../src/db/db';
import { pruneSettledDeliveries } from '../../src/webhook-subscriptions/delivery-retention';
import { ADAPTERS, eventually, openMigratedDb, seedWorkspace, signIn, startInboxApp, type HttpAnswer, type InboxApp, type SeededWorkspace } from '../inbox/support/inbox-app';
import { API_KEY, SandboxClient } from '../sandbox/support/sandbox-client';

const LONG = 60_000;

/** A loopback HTTP receiver standing in for n8n: records every request and answers the status it is told to. */
class Receiver {
	readonly requests: Array<{ path: string; headers: IncomingHttpHeaders; body: string }> = [];
	/** Statuses to answer per path, in order; 200 once used up. */
	readonly answers = new Map<string, number[]>();
	private server?: Server;
	url = '';

	async start(): Promise<this> {
		this.server = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				this.requests.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
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

describe.each(ADAPTERS)('webhook subscriptions on %s', (_name, open) => {
	let db: Db;
	let sandbox: SandboxClient;
	let server: InboxApp;
	let receiver: Receiver;
	let ws: SeededWorkspace;
	let other: SeededWorkspace;
	let admin: string;
	let otherAdmin: string;
	const logLines: string[] = [];
	/** Every answer the tests read, to prove no secret is in any of them after it was first shown. */
	const answers: HttpAnswer[] = [];
	const secrets: string[] = [];
	const call = async (method: string, path: string, authorization: string, payload?: unknown) => {
		const answer = await server.call(method, path, authorization, payload);
		answers.push(answer);
		return answer;
	};
	let channel: { id: string; name: string };

	beforeAll(async () => {
		sandbox = await SandboxClient.start({ maxSendDelayMs: 5 });
		db = await openMigratedDb(open);
		server = await startInboxApp(db, {
			env: { WEBHOOK_DELIVERY_RETRY_MS: '100', WEBHOOK_DELIVERY_ATTEMPTS: '3', WEBHOOK_DELIVERY_TIMEOUT_MS: '15000', OUTBOX_TIME_SCALE: '0.01' },
			evolution: { baseUrl: sandbox.url, apiKey: API_KEY },
			logLines,
		});
		receiver = await new Receiver().start();
		ws = await seedWorkspace(db, server.runtime.integrationsKey, { messages: 0 });
		other = await seedWorkspace(db, server.runtime.integrationsKey, { messages: 0 });
		admin = (await signIn(server, ws.admin.email)).authorization;
		otherAdmin = (await signIn(server, other.admin.email)).authorization;
		const name = `wh-${randomBytes(3).toString('hex')}`;
		const created = await server.call('POST', '/api/v1/channels', admin, { name: 'Vendas', instanceName: name });
		expect(created.statusCode).toBe(201);
		channel = { id: created.json().channel.id, name };
		await sandbox.post(`/_sandbox/instances/${name}/scan`, { number: '5511999990001', profileName: 'ACME' });
		await eventually(async () => expect((await server.call('GET', `/api/v1/channels/${channel.id}`, admin)).json().status).toBe('connected'), LONG);
	}, 300_000);

	afterAll(async () => {
		await server?.close();
		await receiver?.close();
		await sandbox?.close();
		await db?.close();
	});

	const subscribe = async (authorization: string, body: Record<string, unknown>) => {
		const answer = await call('POST', '/api/v1/webhook-subscriptions', authorization, body);
		expect(answer.statusCode).toBe(201);
		const { subscription, secret } = answer.json();
		secrets.push(secret);
		return { id: subscription.id as string, secret: secret as string, subscription };
	};
	const deliveries = async (id: string, authorization = admin) => {
		const answer = await call('GET', `/api/v1/webhook-subscriptions/${id}/deliveries`, authorization);
		expect(answer.statusCode).toBe(200);
		return answer.json().data as Array<Record<string, any>>;
	};
	const inbound = (from: string, text: string) => sandbox.post(`/_sandbox/instances/${channel.name}/messages`, { type: 'text', from, text });
	/** A contact never seen before writes `text`: their number and the conversation it opened. */
	const conversationFromNewContact = async (text: string) => {
		const from = `55119${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
		await inbound(from, text);
		const conversationId = await eventually(async () => {
			const { rows } = await db.query<{ id: string }>('SELECT c.id FROM whatsapp_conversations c JOIN contacts ct ON ct.id = c.contact_id WHERE c.workspace_id = $1 AND ct.phone_e164 = $2', [ws.workspaceId, `+${from}`]);
			expect(rows).toHaveLength(1);
			return rows[0]!.id;
		}, LONG);
		return { from, conversationId };
	};

	it('creates, shows, changes and deletes subscriptions; the secret is answered only when it is made', async () => {
		const made = await subscribe(admin, { url: `${receiver.url}/crud`, events: ['message.received', 'lead.created'], description: 'n8n' });
		expect(made.secret).toMatch(/^whsec_[A-Za-z0-9_-]{40,}$/);
		expect(made.subscription).toMatchObject({ url: `${receiver.url}/crud`, events: ['message.received', 'lead.created'], active: true, description: 'n8n' });
		expect(made.subscription).not.toHaveProperty('secret');

		const shown = await call('GET', `/api/v1/webhook-subscriptions/${made.id}`, admin);
		expect(shown.statusCode).toBe(200);
		expect(shown.json().subscription).toEqual(made.subscription);
		const listed = await call('GET', '/api/v1/webhook-subscriptions', admin);
		expect(listed.json().data.map((s: { id: string }) => s.id)).toContain(made.id);

		const chosen = `n8n-chosen-secret-${randomBytes(12).toString('hex')}`;
		const changed = await call('PATCH', `/api/v1/webhook-subscriptions/${made.id}`, admin, { events: ['lead.updated'], active: false, secret: chosen });
		expect(changed.statusCode).toBe(200);
		expect(changed.json()).toMatchObject({ subscription: { events: ['lead.updated'], active: false }, secret: chosen });
		secrets.push(chosen);
		const rotated = await call('PATCH', `/api/v1/webhook-subscriptions/${made.id}`, admin, { rotateSecret: true });
		expect(rotated.json().secret).toMatch(/^whsec_/);
		expect(rotated.json().secret).not.toBe(chosen);
		secrets.push(rotated.json().secret);
		const renamed = await call('PATCH', `/api/v1/webhook-subscriptions/${made.id}`, admin, { description: null });
		expect(renamed.json()).toEqual({ subscription: expect.objectContaining({ description: null }) });

		// At rest: sealed with the integrations key, not the secret itself.
		const { rows } = await db.query<{ sealed: string }>('SELECT secret_encrypted AS sealed FROM webhook_subscriptions WHERE id = $1', [made.id]);
		expect(rows[0].sealed).toMatch(/^v1:/);
		for (const secret of secrets) expect(rows[0].sealed).not.toContain(secret);

		expect((await call('DELETE', `/api/v1/webhook-subscriptions/${made.id}`, admin)).statusCode).toBe(204);
		expect((await call('GET', `/api/v1/webhook-subscriptions/${made.id}`, admin)).statusCode).toBe(404);
		expect((await call('DELETE', `/api/v1/webhook-subscriptions/${made.id}`, admin)).statusCode).toBe(404);
	});

	it('refuses bad input with a 400 naming it, agents with a 403, and API tokens without the admin scope', async () => {
		for (const url of ['ftp://example.com/hook', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url', 'http://user:pass@127.0.0.1/hook']) {
			const answer = await call('POST', '/api/v1/webhook-subscriptions', admin, { url });
			expect({ url, status: answer.statusCode }).toEqual({ url, status: 400 });
			expect(answer.json().error.message).toMatch(/url/);
		}
		const badEvent = await call('POST', '/api/v1/webhook-subscriptions', admin, { url: `${receiver.url}/x`, events: ['message.exploded'] });
		expect(badEvent.statusCode).toBe(400);
		expect(badEvent.json().error.message).toMatch(/events/);
		expect((await call('POST', '/api/v1/webhook-subscriptions', admin, { url: `${receiver.url}/x`, secret: 'short' })).statusCode).toBe(400);
		expect((await call('GET', '/api/v1/webhook-subscriptions/not-a-uuid', admin)).statusCode).toBe(400);

		const agent = (await signIn(server, ws.agent.email)).authorization;
		expect((await call('GET', '/api/v1/webhook-subscriptions', agent)).statusCode).toBe(403);
		expect((await call('POST', '/api/v1/webhook-subscriptions', agent, { url: `${receiver.url}/x` })).statusCode).toBe(403);

		const token = async (scopes: string[]) => `Bearer ${(await call('POST', '/api/v1/api-tokens', admin, { name: `n8n ${scopes}`, scopes })).json().token}`;
		expect((await call('GET', '/api/v1/webhook-subscriptions', await token(['inbox']))).statusCode).toBe(403);
		const made = await call('POST', '/api/v1/webhook-subscriptions', await token(['inbox', 'admin']), { url: `${receiver.url}/by-token` });
		expect(made.statusCode).toBe(201);
		secrets.push(made.json().secret);
		expect((await call('DELETE', `/api/v1/webhook-subscriptions/${made.json().subscription.id}`, admin)).statusCode).toBe(204);
	});

	it('delivers a received message signed over timestamp and body, retries after a 500, and lists every attempt', async () => {
		const secret = `my-n8n-secret-${randomBytes(16).toString('hex')}`;
		const { id } = await subscribe(admin, { url: `${receiver.url}/inbound`, events: ['message.received'], secret });
		receiver.answers.set('/inbound', [500]);
		const from = `55119${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
		await inbound(from, 'Oi, quero um orçamento');

		const [first, second] = await eventually(() => {
			const got = receiver.on('/inbound');
			expect(got).toHaveLength(2);
			return got;
		}, LONG);
		for (const request of [first!, second!]) {
			const timestamp = request.headers['x-inbox-timestamp'] as string;
			const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${request.body}`).digest('hex')}`;
			expect(request.headers['x-inbox-signature']).toBe(expected);
			expect(Math.abs(Date.now() / 1000 - Number(timestamp))).toBeLessThan(300);
		}
		// The retry is the same event (receivers dedupe on its id) and the same delivery.
		expect(second!.body).toBe(first!.body);
		expect(second!.headers['x-inbox-event-id']).toBe(first!.headers['x-inbox-event-id']);
		const event = JSON.parse(second!.body);
		expect(event).toMatchObject({
			id: first!.headers['x-inbox-event-id'],
			type: 'message.received',
			workspaceId: ws.workspaceId,
			channelId: channel.id,
			chat: { jid: `${from}@s.whatsapp.net`, isGroup: false, phone: `+${from}` },
			data: { message: { direction: 'inbound', body: 'Oi, quero um orçamento', type: 'text' } },
		});
		expect(second!.headers['x-inbox-event']).toBe('message.received');

		const [delivery] = await eventually(async () => {
			const list = await deliveries(id);
			expect(list).toHaveLength(1);
			expect(list[0]!.status).toBe('delivered');
			return list;
		}, LONG);
		expect(delivery).toMatchObject({ eventId: event.id, eventType: 'message.received', attempts: 2, lastStatusCode: 200, payload: event });
		expect(delivery!.attemptLog.map((a: { attempt: number; statusCode: number }) => [a.attempt, a.statusCode])).toEqual([
			[1, 500],
			[2, 200],
		]);
		expect(delivery!.attemptLog[0].error).toBe('HTTP 500');
	});

	it('delivers a message with a file once the file is stored, with its media id, so the receiver can fetch it', async () => {
		const { id } = await subscribe(admin, { url: `${receiver.url}/media`, events: ['message.received'] });
		const image = Buffer.from('/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=', 'base64');
		await sandbox.post(`/_sandbox/instances/${channel.name}/messages`, { type: 'image', from: '5511977770000', caption: 'Foto', media: image.toString('base64'), mimetype: 'image/jpeg' });
		const [request] = await eventually(() => {
			const got = receiver.on('/media');
			expect(got).toHaveLength(1);
			return got;
		}, LONG);
		const event = JSON.parse(request!.body);
		expect(event.data.message).toMatchObject({ type: 'image', body: 'Foto', media: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), mimeType: 'image/jpeg' } });
		const file = await fetch(`${server.url}/api/v1/media/${event.data.message.media.id}`, { headers: { authorization: admin } });
		expect(file.status).toBe(200);
		expect(Buffer.from(await file.arrayBuffer()).equals(image)).toBe(true);
		// The deliveries list shows the payload as it was sent.
		const [delivery] = await deliveries(id);
		expect(delivery!.payload.data.message.media.id).toBe(event.data.message.media.id);
	});

	it('gives up after the configured attempts, recording each, and hears only the events a subscription asked for', async () => {
		const failing = await subscribe(admin, { url: `${receiver.url}/down`, events: ['lead.created'] });
		const leadsOnly = await subscribe(admin, { url: `${receiver.url}/leads`, events: ['lead.created'] });
		receiver.answers.set('/down', [503, 503, 503]);
		const lead = await call('POST', '/api/v1/leads', admin, { name: 'Lead do webhook', phone: '+5511988887777' });
		expect(lead.statusCode).toBe(201);

		const failed = await eventually(async () => {
			const list = await deliveries(failing.id);
			expect(list[0]?.status).toBe('failed');
			return list[0]!;
		}, LONG);
		expect(failed.attempts).toBe(3);
		expect(failed.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([503, 503, 503]);
		const delivered = await eventually(async () => {
			const list = await deliveries(leadsOnly.id);
			expect(list[0]?.status).toBe('delivered');
			return list[0]!;
		}, LONG);
		expect(delivered).toMatchObject({ eventType: 'lead.created', payload: { type: 'lead.created', data: { lead: { id: lead.json().id } } } });
		// The inbound message of the test before is not a lead.created: no delivery of it here.
		expect((await deliveries(leadsOnly.id)).map((d) => d.eventType)).toEqual(['lead.created']);
	});

	it('maps a send to message sent once and each receipt to message status changed, and the attendance changes to conversation events', async () => {
		const { id } = await subscribe(admin, {
			url: `${receiver.url}/outbound`,
			events: ['message.sent', 'message.status_changed', 'conversation.created', 'conversation.assigned', 'conversation.status_changed'],
		});
		const { from, conversationId } = await conversationFromNewContact('quero falar com alguém');
		const sent = await call('POST', `/api/v1/conversations/${conversationId}/messages`, admin, { type: 'text', text: 'Olá! Como posso ajudar?', clientId: `wh-${randomBytes(4).toString('hex')}` });
		expect(sent.statusCode).toBe(202);
		expect((await call('POST', `/api/v1/conversations/${conversationId}/assignment`, admin, { assigneeId: ws.agent.id })).statusCode).toBe(200);
		expect((await call('POST', `/api/v1/conversations/${conversationId}/status`, admin, { status: 'resolved' })).statusCode).toBe(200);

		const types = (events: Array<Record<string, any>>) => events.map((e) => (e.type === 'message.status_changed' ? `${e.type}:${e.data.status}` : e.type)).sort();
		const received = await eventually(() => {
			const events = receiver.on('/outbound').map((r) => JSON.parse(r.body));
			expect(types(events)).toEqual(
				expect.arrayContaining(['conversation.assigned', 'conversation.created', 'conversation.status_changed', 'message.sent', 'message.status_changed:delivered', 'message.status_changed:read']),
			);
			expect(events.filter((e) => e.type === 'conversation.status_changed')).toHaveLength(2);
			return events;
		}, LONG);
		// Every later announcement of the same message (each receipt re-announces it as sent) made no second "sent" fact.
		// Delivery is at least once (a retry after a timeout or a stalled job on a loaded machine posts the same event
		// again, and receivers dedupe on its id), so the receiver may hold a copy: what must be one is the event.
		expect(new Set(received.filter((e) => e.type === 'message.sent').map((e) => e.id)).size).toBe(1);
		const byType = new Map(received.map((e) => [e.type === 'message.status_changed' ? `${e.type}:${e.data.status}` : e.type, e]));
		expect(byType.get('message.sent')).toMatchObject({ conversationId, data: { message: { direction: 'outbound', body: 'Olá! Como posso ajudar?' } }, chat: { phone: `+${from}` } });
		expect(byType.get('message.status_changed:read')!.data.message.id).toBe(byType.get('message.sent')!.data.message.id);
		expect(byType.get('conversation.assigned')).toMatchObject({ conversationId, data: { assigneeId: ws.agent.id, conversation: { id: conversationId } } });
		// Assigning opened the pending conversation (a status change of its own), then it was resolved: deliveries may
		// arrive in any order, so each is looked up by what it says.
		const statuses = received.filter((e) => e.type === 'conversation.status_changed');
		expect(statuses.map((e) => e.data.status).sort()).toEqual(['open', 'resolved']);
		expect(statuses.find((e) => e.data.status === 'resolved')).toMatchObject({ conversationId, data: { previousStatus: 'open', conversation: { status: 'resolved' } } });
		expect(byType.get('conversation.created')).toMatchObject({ conversationId, data: { conversation: { id: conversationId } } });
		// Each fact is one delivery; the deliveries list agrees with what the receiver got.
		const listed = await eventually(async () => {
			const list = await deliveries(id);
			expect(list.every((d) => d.status === 'delivered')).toBe(true);
			return list;
		}, LONG);
		expect(new Set(listed.map((d) => d.eventId)).size).toBe(listed.length);
	});

	it('a reply whose echo and receipts overtake the send\'s answer is announced sent, delivered and read, each once, under its own id', async () => {
		const { id } = await subscribe(admin, { url: `${receiver.url}/overtaken`, events: ['message.sent', 'message.status_changed'] });
		const { from, conversationId } = await conversationFromNewContact('oi, tudo bem?');
		// Evolution answering slowly under load: the send goes out and its echo and acks (delivered at 0.3 s, read at 1 s)
		// reach the server before the answer does, so they wait for the send and are applied with it as one change.
		const fault = await sandbox.post('/_sandbox/faults', { route: `/message/sendText/${channel.name}`, answerDelayMs: 3000, times: 1 });
		expect(fault.status).toBe(201);
		const sent = await call('POST', `/api/v1/conversations/${conversationId}/messages`, admin, { type: 'text', text: 'Tudo ótimo!', clientId: `wh-${randomBytes(4).toString('hex')}` });
		expect(sent.statusCode).toBe(202);
		const messageId = sent.json().id as string;
		// Meanwhile the attendant types on the phone in the same chat: that message is no echo of the send, and is heard
		// (once the send's answer shows it was not the send's).
		const typed = await sandbox.post(`/_sandbox/instances/${channel.name}/messages`, { type: 'text', from, fromMe: true, text: 'Já te respondo pelo celular' });
		expect(typed.status).toBe(200);
		const typedId = await eventually(async () => {
			const { rows } = await db.query<{ id: string }>(`SELECT id FROM whatsapp_messages WHERE conversation_id = $1 AND body = 'Já te respondo pelo celular'`, [conversationId]);
			expect(rows).toHaveLength(1);
			return rows[0]!.id;
		}, LONG);
		const facts = (events: Array<Record<string, any>>) => events.map((e) => (e.type === 'message.sent' ? 'sent' : e.data.status));
		const received = await eventually(() => {
			const events = receiver.on('/overtaken').map((r) => JSON.parse(r.body));
			expect(new Set(facts(events.filter((e) => e.data.message.id === messageId)))).toEqual(new Set(['sent', 'delivered', 'read']));
			return events;
		}, LONG);
		const { rows } = await db.query<{ status: string; delivered_at: Date | null }>('SELECT status, delivered_at FROM whatsapp_messages WHERE id = $1', [messageId]);
		expect(rows[0]!.status).toBe('read');
		// Each fact is one event (a receiver may hold a copy of one: delivery is at least once), about the send's own row:
		// the echo stored before the answer (a row of its own until the outbox folded it in) is never announced, so the
		// receiver does not hear of one message twice under two ids. Later deliveries of a copy's events would show here.
		await new Promise((resolve) => setTimeout(resolve, 1000));
		expect(receiver.on('/overtaken').map((r) => JSON.parse(r.body).data.message.id)).toEqual(expect.arrayContaining([messageId]));
		const typedEvents = await eventually(() => {
			const got = receiver.on('/overtaken').map((r) => JSON.parse(r.body)).filter((e) => e.data.message.id === typedId);
			expect(got.map((e) => e.type)).toContain('message.sent');
			return got;
		}, LONG);
		expect(new Set(receiver.on('/overtaken').map((r) => JSON.parse(r.body).data.message.id))).toEqual(new Set([messageId, typedId]));
		expect(typedEvents[0]).toMatchObject({ conversationId, data: { message: { body: 'Já te respondo pelo celular', fromMe: true, origin: null } } });
		const ours = received.filter((e) => e.data.message.id === messageId);
		expect(new Set(ours.map((e) => e.id)).size).toBe(3);
		expect(ours.every((e) => e.data.message.body === 'Tudo ótimo!' && e.conversationId === conversationId)).toBe(true);
		const listed = await eventually(async () => {
			const list = await deliveries(id);
			expect(list.filter((d) => d.payload.data.message.id === messageId)).toHaveLength(3);
			return list;
		}, LONG);
		expect(new Set(listed.map((d) => d.eventId)).size).toBe(listed.length);
	});

	it('gives lead events the lead itself: the one a first WhatsApp message created, and one an update through the API changed', async () => {
		await subscribe(admin, { url: `${receiver.url}/leads-full`, events: ['lead.created', 'lead.updated'] });
		const from = `55119${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
		await inbound(from, 'Oi, quero um orçamento');
		const created = await eventually(() => {
			const events = receiver.on('/leads-full').map((r) => JSON.parse(r.body));
			expect(events.map((e) => e.type)).toContain('lead.created');
			return events.find((e) => e.type === 'lead.created');
		}, LONG);
		expect(created).toMatchObject({ channelId: channel.id, data: { lead: { id: expect.any(String), phoneE164: `+${from}` } } });
		const leadId = created.data.lead.id as string;

		expect((await call('PATCH', `/api/v1/leads/${leadId}`, admin, { status: 'qualified', score: 40 })).statusCode).toBe(200);
		const updated = await eventually(() => {
			const event = receiver.on('/leads-full').map((r) => JSON.parse(r.body)).find((e) => e.type === 'lead.updated');
			expect(event).toBeDefined();
			return event;
		}, LONG);
		expect(updated.data.lead).toMatchObject({ id: leadId, status: 'qualified', score: 40 });
	});

	it('prunes settled deliveries past the retention window, never pending ones', async () => {
		const { id } = await subscribe(admin, { url: `${receiver.url}/retention`, events: ['lead.updated'], active: false });
		const row = async (status: string, daysAgo: number) =>
			(
				await db.query<{ id: string }>(
					`INSERT INTO webhook_subscription_deliveries (workspace_id, subscription_id, event_id, event_type, payload, status, created_at)
					 VALUES ($1, $2, gen_random_uuid(), 'lead.updated', '{}', $3, now() - ($4::int * interval '1 day')) RETURNING id`,
					[ws.workspaceId, id, status, daysAgo],
				)
			).rows[0]!.id;
		const oldDelivered = await row('delivered', 20);
		const oldFailed = await row('failed', 20);
		const oldPending = await row('pending', 20);
		const recent = await row('delivered', 1);
		expect(await pruneSettledDeliveries(db, new Date(Date.now() - 14 * 86_400_000))).toBeGreaterThanOrEqual(2);
		const left = (await deliveries(id)).map((d) => d.id);
		expect(left).not.toContain(oldDelivered);
		expect(left).not.toContain(oldFailed);
		expect(left).toEqual(expect.arrayContaining([oldPending, recent]));
		// The pending row is not for a live subscription's queue: it would be resumed at the next start; drop it.
		expect((await call('DELETE', `/api/v1/webhook-subscriptions/${id}`, admin)).statusCode).toBe(204);
	});

	it('keeps workspaces apart: no subscription, delivery or event of one reaches another', async () => {
		const mine = await subscribe(admin, { url: `${receiver.url}/mine` });
		const theirs = await subscribe(otherAdmin, { url: `${receiver.url}/theirs` });
		await inbound(`55119${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`, 'isolamento');
		await eventually(() => expect(receiver.on('/mine').some((r) => JSON.parse(r.body).data?.message?.body === 'isolamento')).toBe(true), LONG);

		expect((await call('GET', `/api/v1/webhook-subscriptions/${mine.id}`, otherAdmin)).statusCode).toBe(404);
		expect((await call('GET', `/api/v1/webhook-subscriptions/${mine.id}/deliveries`, otherAdmin)).statusCode).toBe(404);
		expect((await call('PATCH', `/api/v1/webhook-subscriptions/${mine.id}`, otherAdmin, { active: false })).statusCode).toBe(404);
		expect((await call('DELETE', `/api/v1/webhook-subscriptions/${mine.id}`, otherAdmin)).statusCode).toBe(404);
		const listed = (await call('GET', '/api/v1/webhook-subscriptions', otherAdmin)).json().data.map((s: { id: string }) => s.id);
		expect(listed).toEqual([theirs.id]);
		expect(await deliveries(theirs.id, otherAdmin)).toEqual([]);
		expect(receiver.on('/theirs')).toEqual([]);
		expect((await call('GET', `/api/v1/webhook-subscriptions/${mine.id}`, admin)).json().subscription.active).toBe(true);
	});

	it('never puts a secret in an answer after it was made, nor in the logs', async () => {
		expect(secrets.length).toBeGreaterThanOrEqual(6);
		const made = new Set<HttpAnswer>(answers.filter((a) => a.statusCode === 201 || /"secret"/.test(a.body)));
		for (const answer of answers) {
			if (made.has(answer)) continue;
			for (const secret of secrets) expect(answer.body).not.toContain(secret);
		}
		const logs = logLines.join('');
		expect(logs).toContain('webhook delivery');
		for (const secret of secrets) expect(logs).not.toContain(secret);
	});
});
