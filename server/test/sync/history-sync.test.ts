import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Db } from '../../src/db/db';
import type { InboxEvent } from '../../src/realtime/inbox-events';
import { RedisRealtimeSubscriber } from '../../src/realtime/redis-realtime';
import { testRedisUrl } from '../../../test/support/test-database';
import { ADAPTERS, eventually, openMigratedDb, seedWorkspace, signIn, startInboxApp, type InboxApp } from '../inbox/support/inbox-app';
import { API_KEY, SandboxClient } from '../sandbox/support/sandbox-client';

const LONG = 120_000;
const DAY = 86_400;

interface Run {
	id: string;
	status: string;
	chatsTotal: number;
	chatsDone: number;
	messagesImported: number;
	messagesSeen: number;
	errors: number;
	lastError: string | null;
}

describe.each(ADAPTERS)('history sync against the sandbox on %s', (_name, open) => {
	let db: Db;
	let sandbox: SandboxClient;
	let server: InboxApp;
	let admin: string;
	let workspaceId: string;
	let channelId: string;
	let instance: string;
	let subscriber: RedisRealtimeSubscriber;
	let redis: Redis;
	const events: InboxEvent[] = [];
	const now = Math.floor(Date.now() / 1000);
	// What Evolution holds: 4 chats × 600 messages (2 pages each), 2 chats moved to @lid addressing × 30, 1 chat older than the window.
	const PN = { messages: 2400, chats: 4, firstNumber: '5511970000001' };
	const LID = { messages: 60, chats: 2, firstNumber: '5511960000001' };
	let liveIds: string[] = [];

	const integrationsKey = randomBytes(32);
	const start = () => startInboxApp(db, { env: { QUEUE_PREFIX: `sync-${randomBytes(4).toString('hex')}` }, evolution: { baseUrl: sandbox.url, apiKey: API_KEY }, integrationsKey });

	beforeAll(async () => {
		sandbox = await SandboxClient.start({ webhookRetry: { initialDelayMs: 50, maxDelayMs: 200, timeoutMs: 5000 } });
		db = await openMigratedDb(open);
		server = await start();
		const ws = await seedWorkspace(db, server.runtime.integrationsKey, { messages: 0 });
		workspaceId = ws.workspaceId;
		admin = (await signIn(server, ws.admin.email)).authorization;
		redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 2 });
		subscriber = await RedisRealtimeSubscriber.start(redis, (id, event) => {
			if (id === workspaceId) events.push(event);
		});
		instance = `hist-${randomBytes(3).toString('hex')}`;
		const created = await server.call('POST', '/api/v1/channels', admin, { name: 'Vendas', instanceName: instance });
		expect(created.statusCode).toBe(201);
		channelId = created.json().channel.id;
		expect((await sandbox.post(`/_sandbox/instances/${instance}/scan`, {})).status).toBe(200);
		await eventually(async () => expect((await server.call('GET', `/api/v1/channels/${channelId}`, admin)).json().status).toBe('connected'), LONG);
		const seed = (body: Record<string, unknown>) => sandbox.post(`/_sandbox/instances/${instance}/history`, body);
		expect((await seed({ ...PN, since: now - 10 * DAY, until: now - 60 })).status).toBe(200);
		expect((await seed({ ...LID, since: now - 5 * DAY, until: now - 120, addressing: 'lid' })).status).toBe(200);
		expect((await seed({ messages: 20, chats: 1, firstNumber: '5511950000001', since: now - 60 * DAY, until: now - 40 * DAY })).status).toBe(200);
		// A customer writes live before the sync: stored (unread) by ingest, and in Evolution's store too.
		const live = await sandbox.post(`/_sandbox/instances/${instance}/messages`, { from: PN.firstNumber, pushName: 'Customer 1', text: 'live before the sync' });
		liveIds = [live.body.message.key.id];
		await eventually(async () => expect(await countMessages(liveIds)).toBe(1), LONG);
	}, 300_000);

	afterAll(async () => {
		await subscriber?.close();
		redis?.disconnect();
		await server?.close();
		await sandbox?.close();
		await db?.close();
	});

	const countMessages = async (waIds: string[]) =>
		(await db.query<{ n: number }>('SELECT count(*)::int AS n FROM whatsapp_messages WHERE workspace_id = $1 AND wa_message_id = ANY($2::text[])', [workspaceId, waIds])).rows[0].n;
	const perChat = async () =>
		(
			await db.query<{ phone: string; lid: string | null; n: number; conversations: number }>(
				`SELECT ct.phone_e164 AS phone, ct.lid, count(m.id)::int AS n, count(DISTINCT cv.id)::int AS conversations
				 FROM whatsapp_conversations cv JOIN contacts ct ON ct.id = cv.contact_id LEFT JOIN whatsapp_messages m ON m.conversation_id = cv.id
				 WHERE cv.workspace_id = $1 AND cv.channel_id = $2 GROUP BY ct.phone_e164, ct.lid ORDER BY ct.phone_e164`,
				[workspaceId, channelId],
			)
		).rows;
	const startRun = async (body: Record<string, unknown> = { days: 30 }) => {
		const answer = await server.call('POST', `/api/v1/channels/${channelId}/syncs`, admin, body);
		expect(answer.statusCode).toBe(202);
		return answer.json() as Run;
	};
	const runOf = async (id: string) => (await server.call('GET', `/api/v1/channels/${channelId}/syncs/${id}`, admin)).json() as Run;
	const waitEnded = (id: string) =>
		eventually(async () => {
			const run = await runOf(id);
			expect(['completed', 'cancelled', 'failed']).toContain(run.status);
			return run;
		}, LONG);

	it('imports every chat of the window, page by page, as history (not unread, no bell, no lead, resolved)', async () => {
		const leadsBefore = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM leads WHERE workspace_id = $1', [workspaceId])).rows[0].n;
		const queued = await startRun();
		expect(queued).toMatchObject({ status: 'queued', chatsDone: 0, messagesImported: 0 });
		const run = await waitEnded(queued.id);
		expect(run).toMatchObject({ status: 'completed', chatsTotal: 7, chatsDone: 7, messagesImported: PN.messages + LID.messages, errors: 0 });

		const chats = await perChat();
		// Each seeded chat has its messages (chat 1 also the live one), each @lid chat is one conversation with the phone and the @lid.
		for (let i = 0; i < PN.chats; i++) {
			const phone = `+${BigInt(PN.firstNumber) + BigInt(i)}`;
			expect(chats.find((c) => c.phone === phone)).toMatchObject({ n: PN.messages / PN.chats + (i === 0 ? 1 : 0), conversations: 1 });
		}
		for (let i = 0; i < LID.chats; i++) {
			const phone = `+${BigInt(LID.firstNumber) + BigInt(i)}`;
			expect(chats.find((c) => c.phone === phone)).toMatchObject({ n: LID.messages / LID.chats, conversations: 1, lid: expect.stringMatching(/@lid$/) });
		}
		// The chat older than the window: nothing imported, no conversation.
		expect(chats.find((c) => c.phone === '+5511950000001')).toBeUndefined();

		// History: nothing unread but the live message, no bell, no new lead, new conversations resolved; previews are the newest message.
		const conversations = await db.query<{ unread: number; status: string; preview: string; at: Date; newest: Date; newestBody: string }>(
			`SELECT cv.unread_count AS unread, cv.status, cv.last_message_preview AS preview, cv.last_message_at AS at,
				(SELECT max(wa_timestamp) FROM whatsapp_messages m WHERE m.conversation_id = cv.id) AS newest,
				(SELECT body FROM whatsapp_messages m WHERE m.conversation_id = cv.id ORDER BY wa_timestamp DESC LIMIT 1) AS "newestBody"
			 FROM whatsapp_conversations cv WHERE cv.workspace_id = $1 AND cv.channel_id = $2`,
			[workspaceId, channelId],
		);
		expect(conversations.rows).toHaveLength(PN.chats + LID.chats);
		expect(conversations.rows.filter((c) => c.unread > 0)).toEqual([expect.objectContaining({ unread: 1, preview: 'live before the sync' })]);
		for (const c of conversations.rows) {
			expect(new Date(c.at).getTime()).toBe(new Date(c.newest).getTime());
			expect(c.preview).toBe(c.newestBody);
			if (c.unread === 0) expect(c.status).toBe('resolved');
		}
		expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM inbox_notifications WHERE workspace_id = $1', [workspaceId])).rows[0].n).toBe(0);
		expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM leads WHERE workspace_id = $1', [workspaceId])).rows[0].n).toBe(leadsBefore);
		// Fromme history keeps its receipts (MessageUpdate READ).
		expect((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM whatsapp_messages WHERE channel_id = $1 AND from_me AND status <> 'read'`, [channelId])).rows[0].n).toBe(0);

		// Progress was published live, ending with the completed run.
		const progress = events.filter((e) => e.type === 'sync.progress' && (e.data.run as Run).id === queued.id);
		expect(progress.length).toBeGreaterThan(1);
		expect(progress.at(-1)!.data.run).toMatchObject({ status: 'completed', chatsDone: 7 });
		const listed = (await server.call('GET', `/api/v1/channels/${channelId}/syncs`, admin)).json().data as Run[];
		expect(listed[0]).toMatchObject({ id: queued.id, status: 'completed' });
	}, 300_000);

	it('a re-run imports nothing, and messages arriving live during it are stored once', async () => {
		const before = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM whatsapp_messages WHERE channel_id = $1', [channelId]);
		const queued = await startRun();
		// Live messages inside the window while the run reads the same chats: ingest and the sync both see them.
		const sent = await Promise.all(
			[0, 1, 2].map((i) => sandbox.post(`/_sandbox/instances/${instance}/messages`, { from: PN.firstNumber, pushName: 'Customer 1', text: `live during ${i}`, timestamp: now - 3 * DAY + i })),
		);
		const ids = sent.map((s) => s.body.message.key.id as string);
		const run = await waitEnded(queued.id);
		expect(run.status).toBe('completed');
		expect(run.messagesImported).toBeLessThanOrEqual(ids.length);
		await eventually(async () => expect(await countMessages(ids)).toBe(ids.length), LONG);
		const after = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM whatsapp_messages WHERE channel_id = $1', [channelId]);
		expect(after.rows[0].n).toBe(before.rows[0].n + ids.length);

		// And once more, with everything already stored: 0 imported.
		const again = await waitEnded((await startRun()).id);
		expect(again).toMatchObject({ status: 'completed', messagesImported: 0, errors: 0 });
		expect(again.messagesSeen).toBe(PN.messages + LID.messages + liveIds.length + ids.length);
	}, 300_000);

	it('one run at a time per channel; cancel stops a running run between pages', async () => {
		const slow = await sandbox.post('/_sandbox/faults', { route: '/chat/findMessages', latencyMs: 3000 });
		try {
			const queued = await startRun();
			expect((await server.call('POST', `/api/v1/channels/${channelId}/syncs`, admin, { days: 30 })).statusCode).toBe(409);
			await eventually(async () => expect((await runOf(queued.id)).status).toBe('running'), LONG);
			const cancel = await server.call('POST', `/api/v1/channels/${channelId}/syncs/${queued.id}/cancel`, admin);
			expect(cancel.statusCode).toBe(200);
			const run = await waitEnded(queued.id);
			expect(run.status).toBe('cancelled');
			expect(run.chatsDone).toBeLessThan(run.chatsTotal);
			// Cancelling again is harmless.
			expect((await server.call('POST', `/api/v1/channels/${channelId}/syncs/${queued.id}/cancel`, admin)).json()).toMatchObject({ status: 'cancelled' });
		} finally {
			await sandbox.delete(`/_sandbox/faults/${slow.body.id}`);
		}
	}, 300_000);

	it('a run interrupted by a restart resumes where it stopped', async () => {
		// New history to import, in 6 more chats of 3 pages each.
		expect((await sandbox.post(`/_sandbox/instances/${instance}/history`, { messages: 6600, chats: 6, firstNumber: '5511940000001', since: now - 2 * DAY, until: now - 3600 })).status).toBe(200);
		const slow = await sandbox.post('/_sandbox/faults', { route: '/chat/findMessages', latencyMs: 2000 });
		let run: Run;
		try {
			const queued = await startRun();
			await eventually(async () => expect((await runOf(queued.id)).chatsDone).toBeGreaterThanOrEqual(1), LONG);
			await server.close();
			const stopped = (await db.query<{ status: string; done: number }>('SELECT status, chats_done AS done FROM whatsapp_sync_runs WHERE id = $1', [queued.id])).rows[0];
			expect(stopped.status).toBe('running');
			expect(stopped.done).toBeLessThan(13);
			server = await start();
			admin = (await signIn(server, (await db.query<{ email: string }>(`SELECT email FROM users WHERE workspace_id = $1 AND role = 'admin'`, [workspaceId])).rows[0].email)).authorization;
			run = await waitEnded(queued.id);
		} finally {
			await sandbox.delete(`/_sandbox/faults/${slow.body.id}`);
		}
		expect(run).toMatchObject({ status: 'completed', chatsTotal: 13, chatsDone: 13, messagesImported: 6600, errors: 0 });
		// Every message of the window read exactly once across both processes: the resumed run went on from the cursors.
		const inWindow = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM whatsapp_messages WHERE channel_id = $1', [channelId])).rows[0].n;
		expect(run.messagesSeen).toBe(inWindow);
		for (let i = 0; i < 6; i++) expect((await perChat()).find((c) => c.phone === `+${BigInt('5511940000001') + BigInt(i)}`)).toMatchObject({ n: 1100 });
	}, 300_000);

	it('starts a sync by itself when a channel with the setting first connects, once', async () => {
		const name = `first-${randomBytes(3).toString('hex')}`;
		const created = await server.call('POST', '/api/v1/channels', admin, { name: 'Suporte', instanceName: name });
		const id = created.json().channel.id as string;
		const setting = await server.call('PUT', `/api/v1/channels/${id}/sync-settings`, admin, { syncOnFirstConnect: true, days: 7 });
		expect(setting.json()).toEqual({ syncOnFirstConnect: true, days: 7 });
		await sandbox.post(`/_sandbox/instances/${name}/history`, { messages: 40, chats: 2, firstNumber: '5511930000001', since: now - 3 * DAY, until: now - 60 });
		expect((await sandbox.post(`/_sandbox/instances/${name}/scan`, {})).status).toBe(200);
		const runs = await eventually(async () => {
			const data = (await server.call('GET', `/api/v1/channels/${id}/syncs`, admin)).json().data as Array<Run & { trigger: string; days: number }>;
			expect(data[0]).toMatchObject({ trigger: 'first_connect', days: 7, status: 'completed', messagesImported: 40 });
			return data;
		}, LONG);
		expect(runs).toHaveLength(1);
		// A reconnect is not a first connection.
		await sandbox.post(`/_sandbox/instances/${name}/drop`, { reconnect: true, reconnectAfterMs: 50 });
		await eventually(async () => expect((await server.call('GET', `/api/v1/channels/${id}`, admin)).json().status).toBe('connected'), LONG);
		expect((await server.call('GET', `/api/v1/channels/${id}/syncs`, admin)).json().data).toHaveLength(1);
	}, 300_000);

	it('answers 4xx for bad requests and other workspaces', async () => {
		expect((await server.call('POST', `/api/v1/channels/${channelId}/syncs`, admin, { days: 0 })).statusCode).toBe(400);
		expect((await server.call('POST', `/api/v1/channels/${channelId}/syncs`, admin, { days: 30, chats: ['not a jid'] })).statusCode).toBe(400);
		expect((await server.call('GET', `/api/v1/channels/00000000-0000-4000-8000-000000000000/syncs/00000000-0000-4000-8000-000000000000`, admin)).statusCode).toBe(404);
		expect((await server.call('POST', `/api/v1/channels/00000000-0000-4000-8000-000000000000/syncs`, admin, { days: 30 })).statusCode).toBe(404);
	});
});
