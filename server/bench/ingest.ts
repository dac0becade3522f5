import { Agent, request as httpRequest } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fork } from 'node:child_process';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { createChannel } from '../src/channels/channel-repository';
import { migrate } from '../src/db/migrate';
import { createPgDb } from '../src/db/pg-db';
import { startPrivatePostgres } from '../src/infra/private-postgres';
import { startPrivateRedis } from '../src/infra/private-redis';
import { createWebhookIngest } from '../src/ingest/create-webhook-ingest';
import { registerWebhookRoutes } from '../src/ingest/webhook.routes';
import { createLogger } from '../src/logging/logger';
import { createInboxPublisher } from '../src/realtime/create-inbox-publisher';
import { RedisRealtimeSubscriber } from '../src/realtime/redis-realtime';

/**
 * npm run bench:ingest — 20k messages.upsert webhooks over HTTP from 50 concurrent senders (a process of their own) into 1k
 * conversations, on a private durable PostgreSQL and a private Redis, through the publisher the server runs with
 * (enrichment, the assignee's bell, Redis pub/sub): messages/s and the latency from sending a webhook to its
 * `message.created` event arriving at a Redis subscriber, as a socket's replica would hear it. The inbox is warm: a
 * first pass creates the 1k contacts, leads and conversations, and half of them are assigned to attendants. Then the
 * same rows are written with plain batched INSERTs, for the ratio. Run from the compiled output (the sender worker
 * loads this file).
 */
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20_000);
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 1_000);
const SENDERS = Number(process.env.BENCH_SENDERS ?? 50);
const ATTENDANTS = 5;
const now = () => performance.timeOrigin + performance.now();

function webhook(i: number, idPrefix: string) {
	const phone = `55119${String(10_000_000 + (i % CONVERSATIONS)).slice(-8)}`;
	return {
		event: 'messages.upsert',
		instance: 'bench',
		data: {
			key: { remoteJid: `${phone}@s.whatsapp.net`, remoteJidAlt: `${200000000000000 + (i % CONVERSATIONS)}@lid`, fromMe: false, id: `${idPrefix}${String(i).padStart(8, '0')}`, addressingMode: 'pn' },
			pushName: `Cliente ${i % CONVERSATIONS}`,
			status: 'DELIVERY_ACK',
			message: { conversation: `Mensagem número ${i}: vocês entregam no sábado?` },
			messageType: 'conversation',
			// Live messages (the bell rings only for those), about a thousand a second.
			messageTimestamp: Math.floor(Date.now() / 1000) + Math.floor(i / 1000),
			instanceId: '0b8c3f6e-5a9d-4e21-9c47-3f1d2a6b8e90',
			source: 'ios',
		},
		date_time: new Date().toISOString(),
		sender: '5511999990000@s.whatsapp.net',
		server_url: 'http://bench',
		apikey: null,
	};
}

// node:http with a keep-alive agent rather than fetch: on a 2-core machine the load generator shares the CPU with the
// server and PostgreSQL, and undici's fetch costs several times more CPU per request than the server's own handling.
function post(agent: Agent, url: URL, body: string, secret: string): Promise<number> {
	return new Promise((resolve, reject) => {
		const request = httpRequest(
			{ agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-webhook-secret': secret } },
			(response) => {
				response.resume();
				response.on('end', () => resolve(response.statusCode ?? 0));
			},
		);
		request.on('error', reject);
		request.end(body);
	});
}

interface SenderJob {
	url: string;
	secret: string;
	messages: number;
	senders: number;
	idPrefix: string;
}

async function sender(job: SenderJob): Promise<void> {
	const { url, secret, messages, senders, idPrefix } = job;
	const target = new URL(url);
	const agent = new Agent({ keepAlive: true, maxSockets: senders });
	const bodies = Array.from({ length: messages }, (_, i) => JSON.stringify(webhook(i, idPrefix)));
	const sentAt = new Float64Array(messages);
	let next = 0;
	let failures = 0;
	const loop = async () => {
		while (next < messages) {
			const i = next++;
			sentAt[i] = now();
			if ((await post(agent, target, bodies[i], secret)) !== 200) failures++;
		}
	};
	await Promise.all(Array.from({ length: senders }, loop));
	agent.destroy();
	process.send?.({ sentAt, failures }, () => process.exit(0));
}

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

// The load comes from a process of its own, as Evolution's would: the server's process only serves.
function send(url: string, secret: string, messages: number, idPrefix: string): Promise<{ sentAt: Float64Array; failures: number }> {
	return new Promise((resolve, reject) => {
		const job: SenderJob = { url, secret, messages, senders: SENDERS, idPrefix };
		const child = fork(__filename, [], { env: { ...process.env, BENCH_SENDER_JOB: JSON.stringify(job) }, serialization: 'advanced' });
		child.once('message', (result) => resolve(result as { sentAt: Float64Array; failures: number }));
		child.once('error', reject);
		child.once('exit', (code) => code !== 0 && reject(new Error(`sender exited with ${code}`)));
	});
}

async function main(): Promise<void> {
	console.log(`ingest benchmark: ${MESSAGES} webhooks, ${SENDERS} concurrent senders, ${CONVERSATIONS} conversations (half assigned), real publisher over Redis`);
	const postgres = await startPrivatePostgres({ durable: true });
	const redisServer = await startPrivateRedis();
	const db = createPgDb(await postgres.createDatabase('bench_ingest'), { max: 10, preparedStatements: process.env.BENCH_PREPARED_STATEMENTS !== 'off' });
	const redis = new Redis(redisServer.url, { lazyConnect: true });
	const app = Fastify();
	let subscriber: RedisRealtimeSubscriber | undefined;
	try {
		await redis.connect();
		await migrate(db);
		const workspaceId = (await db.query<{ id: string }>("INSERT INTO workspaces (name, slug) VALUES ('Bench', 'bench') RETURNING id")).rows[0].id;
		const key = Buffer.alloc(32, 1);
		const { channel, webhookSecret } = await createChannel(db, key, { workspaceId, name: 'bench', instanceName: 'bench', baseUrl: 'http://bench' });

		const logger = createLogger({ level: 'warn' });
		const publisher = createInboxPublisher({ redis, logger, config: {} });
		const heardAt = new Map<string, number>();
		subscriber = await RedisRealtimeSubscriber.start(redis, (_workspaceId, event) => {
			const message = event.data.message as { waMessageId?: string } | undefined;
			if (event.type === 'message.created' && message?.waMessageId) heardAt.set(message.waMessageId, now());
		});
		const batching = process.env.BENCH_MAX_BATCH ? { maxBatch: Number(process.env.BENCH_MAX_BATCH) } : {};
		const ingest = createWebhookIngest({ db, logger, publisher }, batching);
		registerWebhookRoutes(app, ingest, logger);
		const base = await app.listen({ port: 0, host: '127.0.0.1' });
		const url = `${base}/webhooks/evolution/${channel.id}`;

		// Warm inbox: every contact has written once; half of the conversations belong to an attendant (the bell rings).
		const warm = await send(url, webhookSecret, CONVERSATIONS, 'WARM');
		if (warm.failures) throw new Error(`${warm.failures} warm-up webhooks failed`);
		await db.query(
			`INSERT INTO users (workspace_id, email, name, role) SELECT $1, 'agent' || g || '@bench.test', 'Agent ' || g, 'agent' FROM generate_series(1, ${ATTENDANTS}) g`,
			[workspaceId],
		);
		await db.query(
			`UPDATE whatsapp_conversations c SET assigned_user_id = a.id, status = 'open'
			 FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM users WHERE workspace_id = $1) a,
				(SELECT id, row_number() OVER (ORDER BY id) AS k FROM whatsapp_conversations WHERE workspace_id = $1) o
			 WHERE c.id = o.id AND o.k % 2 = 0 AND a.n = (o.k / 2) % ${ATTENDANTS}`,
			[workspaceId],
		);
		// What autovacuum does to a live database: the planner knows the tables' sizes.
		await db.query('ANALYZE');
		heardAt.clear();

		const loadBefore = loadavg();
		const started = now();
		const result = await send(url, webhookSecret, MESSAGES, 'BENCH');
		const answered = now();
		// Throughput counts until the last event is heard, not just the last answer.
		const deadline = answered + 10_000;
		while (heardAt.size < MESSAGES - result.failures && now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
		const finished = Math.max(answered, ...heardAt.values());
		const loadAfter = loadavg();
		const latencies: number[] = [];
		for (let i = 0; i < MESSAGES; i++) {
			const at = heardAt.get(`BENCH${String(i).padStart(8, '0')}`);
			if (at !== undefined) latencies.push(at - result.sentAt[i]);
		}
		latencies.sort((a, b) => a - b);
		const count = async (sql: string) => Number((await db.query<{ n: string }>(sql, [workspaceId])).rows[0].n);
		const stored = await count("SELECT count(*) AS n FROM whatsapp_messages WHERE workspace_id = $1 AND wa_message_id LIKE 'BENCH%'");
		const conversations = await count('SELECT count(*) AS n FROM whatsapp_conversations WHERE workspace_id = $1');
		const bells = await count("SELECT count(*) AS n FROM inbox_notifications WHERE workspace_id = $1 AND kind = 'message_received'");
		const webhookRate = MESSAGES / ((finished - started) / 1000);

		// The floor: the same message rows with plain batched INSERTs (500 per statement), no HTTP, no ingest logic.
		const { rows: convs } = await db.query<{ id: string }>('SELECT id FROM whatsapp_conversations WHERE workspace_id = $1 ORDER BY id', [workspaceId]);
		const rawChannel = (await createChannel(db, key, { workspaceId, name: 'raw', instanceName: 'raw', baseUrl: 'http://bench' })).channel;
		const rawStarted = now();
		for (let offset = 0; offset < MESSAGES; offset += 500) {
			const n = Math.min(500, MESSAGES - offset);
			const idx = Array.from({ length: n }, (_, k) => offset + k);
			await db.query(
				`INSERT INTO whatsapp_messages (workspace_id, channel_id, conversation_id, wa_message_id, direction, type, body, status, wa_timestamp)
				 SELECT $1, $2, c, w, 'inbound', 'text', b, 'delivered', to_timestamp(t) FROM unnest($3::uuid[], $4::text[], $5::text[], $6::float8[]) AS v(c, w, b, t)`,
				[workspaceId, rawChannel.id, idx.map((i) => convs[i % convs.length].id), idx.map((i) => `RAW${i}`), idx.map((i) => `Mensagem número ${i}: vocês entregam no sábado?`), idx.map((i) => 1763800000 + i)],
			);
		}
		const rawRate = MESSAGES / ((now() - rawStarted) / 1000);

		const figures = {
			messages: MESSAGES,
			senders: SENDERS,
			stored,
			conversations,
			bells,
			failures: result.failures,
			eventsHeard: latencies.length,
			webhookMessagesPerSecond: Math.round(webhookRate),
			latencyMs: { p50: +percentile(latencies, 50).toFixed(1), p99: +percentile(latencies, 99).toFixed(1), max: +latencies[latencies.length - 1].toFixed(1) },
			rawBatchedInsertRowsPerSecond: Math.round(rawRate),
			webhookToRawRatio: +(webhookRate / rawRate).toFixed(3),
			// Other work on the machine skews every figure above: compare runs only at similar load.
			machine: { cpus: cpus().length, loadAverage1mBefore: +loadBefore[0].toFixed(2), loadAverage1mAfter: +loadAfter[0].toFixed(2) },
		};
		console.log(JSON.stringify(figures, null, 2));
		await app.close();
		await ingest.close();
	} finally {
		await subscriber?.close();
		redis.disconnect();
		await db.close();
		await redisServer.stop();
		await postgres.stop();
	}
}

if (process.env.BENCH_SENDER_JOB) {
	void sender(JSON.parse(process.env.BENCH_SENDER_JOB) as SenderJob);
} else {
	main().catch((error) => {
		console.error(error);
		process.exit(1);
	});
}
