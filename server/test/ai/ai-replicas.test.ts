import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/db';
import { migrate } from '../../src/db/migrate';
import { createPgDb } from '../../src/db/pg-db';
import { createTestDatabase, testRedisUrl } from '../../../test/support/test-database';
import { eventually, request } from '../inbox/support/inbox-app';
import { API_KEY, SandboxClient } from '../sandbox/support/sandbox-client';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { FakeOpenAi } from './support/fake-openai';

const LONG = 60_000;

/**
 * Two server processes (`node dist/server/src/main.js`) on one PostgreSQL and one Redis, as replicas run: a customer's
 * burst is heard first by one process, then by the other (Evolution's webhook moved mid-burst), and every delivery also
 * reaches the process that did not hear it first; both add the conversation's reply job, and the customer still gets one
 * reply from one model call.
 * PostgreSQL only: PGlite is a database inside one process, it cannot be shared by two.
 */
describe('AI replies with two server processes', () => {
	let db: Db;
	let sandbox: SandboxClient;
	let model: FakeOpenAi;
	let databaseUrl: string;
	const children: ServerProcess[] = [];
	const integrationsKey = randomBytes(32).toString('base64');
	const prefix = `ai-rep-${randomBytes(4).toString('hex')}`;

	async function startServer(): Promise<ServerProcess> {
		const child = await startServerProcess({
			DATABASE_URL: databaseUrl,
			REDIS_URL: testRedisUrl(),
			EVOLUTION_BASE_URL: sandbox.url,
			EVOLUTION_API_KEY: API_KEY,
			INTEGRATIONS_KEY: integrationsKey,
			QUEUE_PREFIX: prefix,
			SIGNUP_MODE: 'open',
			OUTBOX_TIME_SCALE: '0.01',
			OUTBOX_RECONCILE_MS: '500',
			AI_SWEEP_MS: '500',
			AI_ECHO_GRACE_MS: '300',
		});
		children.push(child);
		return child;
	}

	beforeAll(async () => {
		databaseUrl = await createTestDatabase('ai_replicas');
		db = await createPgDb(databaseUrl);
		await migrate(db);
		sandbox = await SandboxClient.start({ maxSendDelayMs: 5 });
		model = await FakeOpenAi.start();
	});
	afterAll(async () => {
		for (const child of children) await child.stop();
		await model?.close();
		await sandbox?.close();
		await db?.close();
	});

	it('one reply, from one model call, for a burst heard by both processes (each first for part of it, then the other)', async () => {
		const a = await startServer();
		const b = await startServer();
		const registered = await request(a.url, 'POST', '/api/v1/auth/register', {
			payload: { workspaceName: 'Réplicas', name: 'Ana', email: `ana-${prefix}@example.com`, password: 'a long password for tests' },
		});
		expect(registered.statusCode).toBe(201);
		const admin = `Bearer ${registered.json().token}`;
		const instanceName = `rep-${randomBytes(3).toString('hex')}`;
		const created = await request(a.url, 'POST', '/api/v1/channels', { authorization: admin, payload: { name: 'Vendas', instanceName } });
		expect(created.statusCode).toBe(201);
		const channelId = created.json().channel.id as string;
		await sandbox.post(`/_sandbox/instances/${instanceName}/scan`, { number: '5511999990002', profileName: 'ACME' });
		await eventually(async () => expect((await request(a.url, 'GET', `/api/v1/channels/${channelId}`, { authorization: admin })).json().status).toBe('connected'), LONG);
		// Created on B: the agent is read from the database by whichever process runs the job.
		const agent = await request(b.url, 'POST', '/api/v1/ai/agents', {
			authorization: admin,
			payload: { name: 'Assistente', baseUrl: model.url, apiKey: 'sk-replicas', model: 'gpt-test', channelIds: [channelId], debounceMs: 3_000, splitMessages: false, handOffMessage: null },
		});
		expect(agent.statusCode).toBe(201);
		model.respond = () => ({ reply: 'Uma resposta só.' });

		const phone = '5511977770123';
		const burst = ['oi, tudo bem?', 'queria um orçamento', 'para 3 unidades'];
		const other = { [a.url]: b.url, [b.url]: a.url };
		for (const [i, text] of burst.entries()) {
			if (i === 1) {
				// From the second message on, Evolution's webhook points at B: each process is the first to hear part of the burst.
				const hook = (await sandbox.get(`/webhook/find/${instanceName}`)).body as { url: string; events: string[] };
				const moved = await sandbox.post(`/webhook/set/${instanceName}`, { webhook: { enabled: true, url: hook.url.replace(a.url, b.url), events: hook.events } });
				expect(moved.status).toBe(201);
			}
			await sandbox.post(`/_sandbox/instances/${instanceName}/messages`, { type: 'text', from: phone, text });
			const delivery = await eventually(async () => {
				const { body } = await sandbox.get(`/_sandbox/deliveries?instance=${instanceName}&event=messages.upsert`);
				const list = (Array.isArray(body) ? body : body.deliveries) as Array<{ url: string; headers: Record<string, string>; body: unknown }>;
				const found = list.find((d) => JSON.stringify(d.body).includes(text));
				expect(found).toBeDefined();
				return found!;
			}, LONG);
			// The same delivery reaches the other process too (a load balancer's retry, Evolution's own retry).
			const first = new URL(delivery.url).origin;
			expect(first).toBe(i === 0 ? a.url : b.url);
			const answer = await fetch(other[first] + new URL(delivery.url).pathname, {
				method: 'POST',
				headers: { ...delivery.headers, 'content-type': 'application/json' },
				body: JSON.stringify(delivery.body),
			});
			expect(answer.status).toBe(200);
		}
		const conversationId = await eventually(async () => {
			const { rows } = await db.query<{ id: string }>(
				`SELECT c.id FROM whatsapp_conversations c JOIN contacts ct ON ct.id = c.contact_id WHERE c.channel_id = $1 AND ct.phone_e164 = $2`,
				[channelId, `+${phone}`],
			);
			expect(rows).toHaveLength(1);
			return rows[0].id;
		}, LONG);
		const replies = async () =>
			(await db.query<{ body: string }>(`SELECT body FROM whatsapp_messages WHERE conversation_id = $1 AND sent_by_ai`, [conversationId])).rows.map((r) => r.body);
		await eventually(async () => expect(await replies()).toEqual(['Uma resposta só.']), LONG);
		// The burst dealt with (the last message's time is the watermark), and still one of everything.
		await eventually(async () => {
			const { rows } = await db.query<{ done: boolean }>(
				`SELECT c.ai_handled_through >= (SELECT max(created_at) FROM whatsapp_messages m WHERE m.conversation_id = c.id AND m.direction = 'inbound') AS done FROM whatsapp_conversations c WHERE c.id = $1`,
				[conversationId],
			);
			expect(rows[0].done).toBe(true);
		}, LONG);
		expect(model.chatsMentioning('para 3 unidades')).toHaveLength(1);
		expect(model.chatsMentioning('para 3 unidades')[0].body.messages.slice(1)).toEqual(burst.map((content) => ({ role: 'user', content })));
		expect(await replies()).toHaveLength(1);
		await eventually(async () => {
			const { body } = await sandbox.get(`/_sandbox/sends?instance=${instanceName}`);
			expect((body.sends as Array<{ text: string | null }>).filter((s) => s.text === 'Uma resposta só.')).toHaveLength(1);
		}, LONG);
		const records = (await db.query<{ outcome: string }>(`SELECT outcome FROM ai_replies WHERE conversation_id = $1`, [conversationId])).rows;
		expect(records).toEqual([{ outcome: 'replied' }]);
	});
});
