/**
 * node dist/server/bench/outbox-accept.js — what accepting campaigns costs (POST /messages/batch without HTTP:
 * Outbox.sendBatch), on a private real PostgreSQL (durable settings) and a private Redis:
 * 1. BENCH_BATCHES (100) batches of BENCH_BATCH_SIZE (40) proactive texts, one per channel, all in parallel;
 * 2. BENCH_BIG_BATCHES (10) batches of 1,000, one per channel, in parallel, on channels that already hold
 *    BENCH_AHEAD (1,000) queued proactive plans each (a campaign behind another).
 * For each: the wall time until every batch answered, the event loop's busy time meanwhile (what the sends due in
 * that time waited for), and the time per message. The channels are disconnected, so their workers hold the messages
 * instead of sending them: only accepting is measured. Prints the load average: compare runs at similar load.
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createChannel } from '../src/channels/channel-repository';
import type { Db } from '../src/db/db';
import { migrate } from '../src/db/migrate';
import { createPgDb } from '../src/db/pg-db';
import { startPrivatePostgres } from '../src/infra/private-postgres';
import { startPrivateRedis } from '../src/infra/private-redis';
import { createLogger } from '../src/logging/logger';
import { Outbox } from '../src/outbox/outbox';

const BATCHES = Number(process.env.BENCH_BATCHES ?? 100);
const BATCH_SIZE = Number(process.env.BENCH_BATCH_SIZE ?? 40);
const BIG_BATCHES = Number(process.env.BENCH_BIG_BATCHES ?? 10);
const AHEAD = Number(process.env.BENCH_AHEAD ?? 1_000);

const load = () =>
	loadavg()
		.map((n) => n.toFixed(2))
		.join(' ');

async function main(): Promise<void> {
	console.log(`outbox accept benchmark: ${BATCHES} × ${BATCH_SIZE}, then ${BIG_BATCHES} × 1,000 behind ${AHEAD} queued; load average ${load()} on ${cpus().length} cores`);
	const postgres = await startPrivatePostgres({ durable: true });
	const redis = await startPrivateRedis();
	let db: Db | undefined;
	let outbox: Outbox | undefined;
	try {
		db = createPgDb(await postgres.createDatabase('outbox_accept_bench'));
		await migrate(db);
		const integrationsKey = randomBytes(32);
		const ws = (await db.query<{ id: string }>(`INSERT INTO workspaces (name, slug) VALUES ('Bench', 'bench') RETURNING id`)).rows[0].id;
		const channel = async (name: string) => {
			const { channel } = await createChannel(db!, integrationsKey, { workspaceId: ws, name, instanceName: name, baseUrl: 'http://127.0.0.1:9', apiKey: 'bench' });
			await db!.query(`UPDATE whatsapp_channels SET status = 'disconnected', settings = $2 WHERE id = $1`, [channel.id, JSON.stringify({ outbox: { perMinute: 30, warmup: false } })]);
			return channel.id;
		};
		outbox = new Outbox({
			db,
			publisher: { publish: async () => undefined },
			logger: createLogger({ level: 'silent' }),
			integrationsKey,
			redisUrl: redis.url,
			queuePrefix: 'bench',
			reconcileMs: 600_000,
		});
		let phone = 0;
		const items = (count: number) =>
			Array.from({ length: count }, () => ({ type: 'text' as const, to: `+5511${960_000_001 + phone++}`, text: 'Oi {{first_name}}, a oferta da semana', typing: false }));

		const round = async (label: string, channelIds: string[], size: number) => {
			const batches = channelIds.map((id) => ({ id, items: items(size) }));
			const elu = performance.eventLoopUtilization();
			const started = performance.now();
			await Promise.all(batches.map((b) => outbox!.sendBatch({ workspaceId: ws, userId: null }, b.id, b.items)));
			const seconds = (performance.now() - started) / 1000;
			const busy = performance.eventLoopUtilization(elu);
			const messages = channelIds.length * size;
			console.log(
				`${label}: ${messages.toLocaleString()} messages accepted in ${seconds.toFixed(2)} s (${((seconds * 1000) / messages).toFixed(2)} ms a message); ` +
					`event loop busy ${(busy.active / 1000).toFixed(2)} s (${((busy.active * 1000) / messages).toFixed(0)} µs a message); load ${load()}`,
			);
		};

		const small: string[] = [];
		for (let c = 0; c < BATCHES; c++) small.push(await channel(`small-${c}`));
		await round(`${BATCHES} batches of ${BATCH_SIZE}`, small, BATCH_SIZE);

		const big: string[] = [];
		for (let c = 0; c < BIG_BATCHES; c++) big.push(await channel(`big-${c}`));
		// The campaign ahead, stored directly: queued proactive rows with their plans, a second apart.
		for (const channelId of big) {
			await db.query(
				`WITH ct AS (
					INSERT INTO contacts (workspace_id, phone_e164, wa_jid)
					SELECT $1, '+5521' || ($3::bigint + g), '5521' || ($3::bigint + g) || '@s.whatsapp.net' FROM generate_series(0, $4::int - 1) g RETURNING id, wa_jid
				), cv AS (
					INSERT INTO whatsapp_conversations (workspace_id, channel_id, contact_id, chat_jid) SELECT $1, $2, ct.id, ct.wa_jid FROM ct RETURNING id
				)
				INSERT INTO whatsapp_messages (workspace_id, channel_id, conversation_id, direction, from_me, type, body, status, origin, outbox_request, paced, expected_send_at)
				SELECT $1, $2, cv.id, 'outbound', true, 'text', 'antes', 'queued', 'proactive', '{"typing":false}', true, now() + (row_number() OVER () || ' seconds')::interval FROM cv`,
				[ws, channelId, 960_000_001 + big.indexOf(channelId) * AHEAD, AHEAD],
			);
		}
		await round(`${BIG_BATCHES} batches of 1,000`, big, 1_000);
	} finally {
		await outbox?.close();
		await db?.close();
		await redis.stop();
		await postgres.stop();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
