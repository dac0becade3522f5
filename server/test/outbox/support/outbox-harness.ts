import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Db } from '../../../src/db/db';
import type { InboxEvent } from '../../../src/realtime/inbox-events';
import { RedisRealtimeSubscriber } from '../../../src/realtime/redis-realtime';
import { testRedisUrl } from '../../../../test/support/test-database';
import { eventually, openMigratedDb, seedWorkspace, signIn, startInboxApp, type InboxApp, type SeededWorkspace } from '../../inbox/support/inbox-app';
import { API_KEY, SandboxClient } from '../../sandbox/support/sandbox-client';

/** Retries and pacing 100× faster: back-off 100 ms → 300 ms → 600 ms → 1.2 s → 3 s. */
export const TIME_SCALE = 0.01;
export const LONG = 60_000;

export interface OutboxHarness {
	db: Db;
	sandbox: SandboxClient;
	server: InboxApp;
	workspace: SeededWorkspace;
	admin: string;
	events: InboxEvent[];
	/** A connected channel (created through the API, scanned on the sandbox). */
	channel(): Promise<{ id: string; name: string }>;
	/** A conversation on the channel with a contact who just wrote (so sends to it are replies). */
	conversation(channel: { id: string; name: string }, from?: string): Promise<{ id: string; from: string; contactId: string }>;
	/** Messages the sandbox sent out whose text is `text`. */
	sendsOf(text: string): Promise<number>;
	row(messageId: string): Promise<Record<string, any>>;
	waitRow(messageId: string, check: (row: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>;
	close(): Promise<void>;
}

export async function startOutboxHarness(open: () => Promise<Db>, env: Record<string, string> = {}, seed: { messages?: number; logLines?: string[] } = {}): Promise<OutboxHarness> {
	const sandbox = await SandboxClient.start({ maxSendDelayMs: 5 });
	const db = await openMigratedDb(open);
	const server = await startInboxApp(db, {
		env: { OUTBOX_TIME_SCALE: String(TIME_SCALE), OUTBOX_RECONCILE_MS: '500', OUTBOX_SEND_TIMEOUT_MS: '3000', ...env },
		evolution: { baseUrl: sandbox.url, apiKey: API_KEY },
		logLines: seed.logLines,
	});
	const workspace = await seedWorkspace(db, server.runtime.integrationsKey, { messages: seed.messages ?? 0 });
	const admin = (await signIn(server, workspace.admin.email)).authorization;
	const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 2 });
	const events: InboxEvent[] = [];
	const subscriber = await RedisRealtimeSubscriber.start(redis, (id, event) => {
		if (id === workspace.workspaceId) events.push(event as InboxEvent);
	});
	const row = async (messageId: string) => (await db.query('SELECT * FROM whatsapp_messages WHERE id = $1', [messageId])).rows[0] as Record<string, any>;
	let numbers = 0;
	return {
		db,
		sandbox,
		server,
		workspace,
		admin,
		events,
		async channel() {
			const name = `ob-${randomBytes(3).toString('hex')}`;
			const created = await server.call('POST', '/api/v1/channels', admin, { name: 'Vendas', instanceName: name });
			if (created.statusCode !== 201) throw new Error(`channel create: ${created.statusCode} ${created.body}`);
			const id = created.json().channel.id as string;
			await sandbox.post(`/_sandbox/instances/${name}/scan`, { number: '5511999990001', profileName: 'ACME' });
			await eventually(async () => {
				const view = (await server.call('GET', `/api/v1/channels/${id}`, admin)).json();
				expect(view.status).toBe('connected');
			}, LONG);
			return { id, name };
		},
		async conversation(channel, from) {
			numbers++;
			const phone = from ?? `55119${String(70_000_000 + numbers * 1_013 + Math.floor(Math.random() * 1000)).padStart(8, '0')}`;
			await sandbox.post(`/_sandbox/instances/${channel.name}/messages`, { type: 'text', from: phone, text: 'Oi, quero saber mais' });
			return eventually(async () => {
				const { rows } = await db.query<{ id: string; contactId: string }>(
					`SELECT c.id, c.contact_id AS "contactId" FROM whatsapp_conversations c JOIN contacts ct ON ct.id = c.contact_id
					 WHERE c.channel_id = $1 AND ct.phone_e164 = $2 AND c.last_inbound_at IS NOT NULL`,
					[channel.id, `+${phone}`],
				);
				expect(rows).toHaveLength(1);
				return { id: rows[0].id, from: phone, contactId: rows[0].contactId };
			}, LONG);
		},
		async sendsOf(text) {
			const { body } = await sandbox.get('/_sandbox/sends');
			return (body.sends as Array<{ text: string | null }>).filter((s) => s.text === text).length;
		},
		row,
		waitRow: (messageId, check, timeoutMs = LONG) =>
			eventually(async () => {
				const current = await row(messageId);
				expect({ id: messageId, status: current?.status, attempts: current?.attempts, error: current?.error_code, ok: !!current && check(current) }).toMatchObject({ ok: true });
				return current;
			}, timeoutMs),
		async close() {
			await subscriber.close();
			redis.disconnect();
			await server.close();
			await sandbox.close();
			await db.close();
		},
	};
}
