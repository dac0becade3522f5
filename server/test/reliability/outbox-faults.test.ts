import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createChannel } from '../../src/channels/channel-repository';
import type { Db } from '../../src/db/db';
import { migrate } from '../../src/db/migrate';
import { createPgDb } from '../../src/db/pg-db';
import { findFreePort } from '../../src/infra/free-port';
import { startPrivateRedis, type PrivateRedis } from '../../src/infra/private-redis';
import { createTestDatabase } from '../../../test/support/test-database';
import { API_KEY, SandboxClient } from '../sandbox/support/sandbox-client';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { scaled } from './scale';

const MESSAGES = scaled(300, 5_000);
const CHANNELS = scaled(3, 10);
// Bounds on hangs only (no speed is asserted): at full size each third is 1,667 messages on a 2-core machine.
const PHASE_MS = scaled(170_000, 20 * 60_000);
// How long Redis stays away in its restart.
const REDIS_DOWN_MS = scaled(1_000, 5_000);

/**
 * The outbox under faults, with the real server as a child process (`node dist/server/src/main.js`, PostgreSQL, a
 * Redis of its own): MESSAGES accepted messages over CHANNELS channels while the sandbox fails 30 % of sends with 503
 * and loses the answer of 10 % after sending them (a timeout for the server: the message went out). Mid-run the server
 * is killed with SIGKILL and started again, and later Redis is emptied (FLUSHALL) and restarted, the server running on
 * through it. Every message must end sent or failed, none lost, none delivered twice (the sandbox logs every delivery),
 * and no failed message may have been delivered.
 */
describe('outbox under faults, a kill -9 and a Redis restart with FLUSHALL', () => {
	let db: Db;
	let sandbox: SandboxClient;
	let redis: PrivateRedis;
	let child: ServerProcess | undefined;
	let port: number;
	const integrationsKey = randomBytes(32);
	const prefix = `rel-${randomBytes(4).toString('hex')}`;
	let databaseUrl: string;

	const startServer = () =>
		startServerProcess(
			{
				DATABASE_URL: databaseUrl,
				REDIS_URL: redis.url,
				EVOLUTION_BASE_URL: sandbox.url,
				EVOLUTION_API_KEY: API_KEY,
				INTEGRATIONS_KEY: integrationsKey.toString('base64'),
				QUEUE_PREFIX: prefix,
				OUTBOX_TIME_SCALE: '0.01',
				// Long enough that a loaded machine's slow answers are not timeouts (at 1 s, at load 25, half the sends
				// timed out and the run crawled); the lost answers below hang longer than this.
				OUTBOX_SEND_TIMEOUT_MS: '5000',
				OUTBOX_RECONCILE_MS: '500',
			},
			// The same port after the kill: the sandbox's instance webhooks point at it.
			{ port },
		);

	beforeAll(async () => {
		databaseUrl = await createTestDatabase('outbox_rel');
		db = await createPgDb(databaseUrl);
		await migrate(db);
		sandbox = await SandboxClient.start({ maxSendDelayMs: 5, webhookRetry: { initialDelayMs: 100, maxDelayMs: 1000, timeoutMs: 2000 } });
		redis = await startPrivateRedis();
		port = await findFreePort();
	});
	afterAll(async () => {
		await child?.stop('SIGKILL');
		await redis?.stop();
		await sandbox?.close();
		await db?.close();
	});

	const statusCounts = async () =>
		Object.fromEntries(
			(await db.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM whatsapp_messages WHERE origin IS NOT NULL GROUP BY status`)).rows.map((r) => [r.status, r.n]),
		) as Record<string, number>;
	const settled = async () => {
		const counts = await statusCounts();
		return MESSAGES - (counts.queued ?? 0);
	};
	const waitUntil = async (check: () => Promise<boolean>, what: string, timeoutMs: number) => {
		const deadline = Date.now() + timeoutMs;
		while (!(await check())) {
			// A server that died (not killed by the test) would leave the wait to its deadline: say so at once.
			if (child && (child.process.exitCode !== null || child.process.signalCode)) throw new Error(`the server exited while waiting for ${what}:\n${child.output().slice(-3000)}`);
			if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await statusCounts())}\n${child?.output().slice(-3000)}`);
			await new Promise((r) => setTimeout(r, 200));
		}
	};

	it(`sends ${MESSAGES} messages over ${CHANNELS} channels exactly once through 5xx, lost answers, a kill -9 and a Redis restart with FLUSHALL`, async () => {
		const started = Date.now();
		const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;
		const phases: string[] = [];
		child = await startServer();
		const ws = (await db.query<{ id: string }>(`INSERT INTO workspaces (name, slug) VALUES ('Rel', $1) RETURNING id`, [`rel-${prefix}`])).rows[0].id;
		const channels: Array<{ id: string; name: string }> = [];
		for (let c = 0; c < CHANNELS; c++) {
			const name = `rel-${prefix}-${c}`;
			const { channel, webhookSecret } = await createChannel(db, integrationsKey, { workspaceId: ws, name, instanceName: name, baseUrl: sandbox.url, apiKey: API_KEY });
			await db.query(`UPDATE whatsapp_channels SET status = 'connected' WHERE id = $1`, [channel.id]);
			await sandbox.openInstance(name, { url: `http://127.0.0.1:${port}/webhooks/evolution/${channel.id}`, headers: { 'x-webhook-secret': webhookSecret } }, { number: `55119900${String(1001 + c)}` });
			channels.push({ id: channel.id, name });
		}
		// Faults on every send: 30 % answered 503 (not sent), then 10 % sent but their answer lost after 6 s (> the 5 s timeout).
		await sandbox.post('/_sandbox/faults', { route: '/message/sendText', errorRate: 0.3, errorStatus: 503 });
		await sandbox.post('/_sandbox/faults', { route: '/message/sendText', errorRate: 0.1, dropAnswer: true, hangMs: 6000 });

		// The accepted messages: committed rows (what a 202 means); the server's reconciler finds them and sends.
		await db.query(
			`WITH ct AS (
				INSERT INTO contacts (workspace_id, phone_e164, wa_jid)
				SELECT $1, '+5511' || (960000001 + g), '5511' || (960000001 + g) || '@s.whatsapp.net' FROM generate_series(0, $2::int - 1) g
				RETURNING id, wa_jid, (substr(phone_e164, 6)::bigint - 960000001) AS g
			), cv AS (
				INSERT INTO whatsapp_conversations (workspace_id, channel_id, contact_id, chat_jid, last_inbound_at)
				SELECT $1, ($3::uuid[])[1 + (ct.g % $4::int)], ct.id, ct.wa_jid, now() FROM ct
				RETURNING id, channel_id, contact_id
			)
			INSERT INTO whatsapp_messages (workspace_id, channel_id, conversation_id, direction, from_me, type, body, status, origin, outbox_request)
			SELECT $1, cv.channel_id, cv.id, 'outbound', true, 'text', 'rel ' || cv.contact_id, 'queued', 'reply', '{"typing": false}'::jsonb FROM cv`,
			[ws, MESSAGES, channels.map((c) => c.id), CHANNELS],
		);

		// kill -9 once a third went out, then start it again.
		await waitUntil(async () => (await settled()) >= MESSAGES / 3, 'a third settled', PHASE_MS);
		phases.push(`kill -9 at ${elapsed()}`);
		await child.stop('SIGKILL');
		child = await startServer();

		// Later, Redis loses everything (FLUSHALL) and restarts on the same port; the server runs on through it.
		await waitUntil(async () => (await settled()) >= (MESSAGES * 2) / 3, 'two thirds settled', PHASE_MS);
		phases.push(`FLUSHALL and Redis restart at ${elapsed()}`);
		const client = new Redis(redis.url, { maxRetriesPerRequest: 2 });
		expect(await client.flushall()).toBe('OK');
		client.disconnect();
		await redis.stop();
		await new Promise((r) => setTimeout(r, REDIS_DOWN_MS));
		redis = await startPrivateRedis({ port: redis.port });

		await waitUntil(async () => (await settled()) === MESSAGES, 'every message settled', PHASE_MS);
		phases.push(`all settled at ${elapsed()}`);

		const rows = (await db.query<{ body: string; status: string; wa: string | null }>(`SELECT body, status, wa_message_id AS wa FROM whatsapp_messages WHERE origin IS NOT NULL`)).rows;
		const { body } = await sandbox.get('/_sandbox/sends');
		const deliveries = new Map<string, string[]>();
		for (const sent of body.sends as Array<{ text: string; id: string }>) deliveries.set(sent.text, [...(deliveries.get(sent.text) ?? []), sent.id]);
		const twice = rows.filter((r) => (deliveries.get(r.body)?.length ?? 0) > 1);
		const sentButNoDelivery = rows.filter((r) => r.status !== 'failed' && (deliveries.get(r.body)?.length ?? 0) !== 1);
		const failedButDelivered = rows.filter((r) => r.status === 'failed' && (deliveries.get(r.body)?.length ?? 0) > 0);
		const wrongId = rows.filter((r) => r.status !== 'failed' && deliveries.get(r.body)?.[0] !== r.wa);
		const counts = await statusCounts();
		// The figures for RELIABILITY.md.
		const attempts = (await db.query<{ n: number }>(`SELECT sum(attempts)::int AS n FROM whatsapp_messages WHERE origin IS NOT NULL`)).rows[0].n;
		process.stdout.write(
			`outbox reliability: ${MESSAGES} messages, ${CHANNELS} channels, sandbox sends ${body.total}, send attempts ${attempts}, final ${JSON.stringify(counts)}, ` +
				`twice ${twice.length}, sent without delivery ${sentButNoDelivery.length}, failed but delivered ${failedButDelivered.length}; ${phases.join(', ')}\n`,
		);
		expect(rows).toHaveLength(MESSAGES);
		expect(counts.queued ?? 0).toBe(0);
		expect({ twice: twice.length, sentButNoDelivery: sentButNoDelivery.length, failedButDelivered: failedButDelivered.length, wrongId: wrongId.length }).toEqual({
			twice: 0,
			sentButNoDelivery: 0,
			failedButDelivered: 0,
			wrongId: 0,
		});
		// Three waits of up to PHASE_MS each: more than the suite's default 180 s per test.
	}, 3 * PHASE_MS + 120_000);
});
