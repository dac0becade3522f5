/**
 * npm run bench:outbox — the outbox's send path at scale, on a private real PostgreSQL (durable settings), a private
 * Redis and the Evolution sandbox (a process of its own):
 * 1. the ceiling: the sandbox answering the same 10,000 sendText calls directly (one stream per channel, 100 in
 *    parallel, as the outbox sends them). The sandbox runs as a process of its own, as Evolution does: its work is not
 *    on the outbox's event loop (both phases talk to the same sandbox process);
 * 2. 10,000 replies over 100 channels accepted as queued rows and sent by the outbox (one BullMQ queue per channel,
 *    one send at a time per channel): sends/s, the ratio to the ceiling, queued → sent p50/p99;
 * 3. paced proactive sends over 100 channels with OUTBOX time scale 0.2 (a "minute" is 12 s; BENCH_TIME_SCALE): pacing violations
 *    (more than perMinute in any window, from the sandbox's own send log) and how far sends land from the time
 *    forecast when they were accepted.
 * Prints the load average: compare runs at similar load. BENCH_STATS=1 also prints what one outbox send costs in
 * PostgreSQL statements (pg_stat_statements, the server restarted once to load it) and Redis commands (INFO
 * commandstats), over phase 2.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { SandboxOptions } from '../sandbox';
import { createChannel } from '../src/channels/channel-repository';
import type { Db } from '../src/db/db';
import { migrate } from '../src/db/migrate';
import { createPgDb } from '../src/db/pg-db';
import { startPrivatePostgres } from '../src/infra/private-postgres';
import { startPrivateRedis } from '../src/infra/private-redis';
import { stopChild, trackChild } from '../src/infra/child-process';
import { createLogger } from '../src/logging/logger';
import { InMemoryOutboxCounters } from '../src/outbox/outbox-counters';
import { ownCpuMs, treeCpuMs } from './process-cpu';
import { Outbox } from '../src/outbox/outbox';

const CHANNELS = Number(process.env.BENCH_CHANNELS ?? 100);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000);
const PACED_PER_CHANNEL = Number(process.env.BENCH_PACED_PER_CHANNEL ?? 40);
const PER_MINUTE = 30;
// A scaled minute of 12 s: 100 channels pacing 30 a minute (a send every 0.52 s on average, then every 1.04 s once
// 20 went in the scaled hour) ask for about 190 sends/s, below what the outbox sends, so the pacing is what holds them
// back and its forecast can be checked. At 0.01 (a 0.6 s minute) they asked for 5,000/s: nothing was ever paced.
const TIME_SCALE = Number(process.env.BENCH_TIME_SCALE ?? 0.2);
const API_KEY = 'bench-key';
const STATS = process.env.BENCH_STATS === '1';

/**
 * CPU milliseconds of this process (alone: the others are its children) and of each other process with its children
 * (PostgreSQL's backends), or undefined where /proc cannot be read.
 */
function cpuOf(pids: number[]): number[] | undefined {
	const ms = pids.map((pid) => (pid === process.pid ? ownCpuMs(pid) : treeCpuMs(pid)));
	return ms.every((value) => value !== undefined) ? (ms as number[]) : undefined;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? 0;

/** The sandbox in a child process (this process's flags too: `node --cpu-prof` profiles both). */
async function startSandboxProcess(options: SandboxOptions): Promise<{ url: string; pid: number; close(): Promise<void> }> {
	const child: ChildProcess = spawn(process.execPath, [...process.execArgv, join(__dirname, 'sandbox-process.js'), JSON.stringify(options)], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	trackChild(child);
	const url = await new Promise<string>((resolve, reject) => {
		child.once('exit', (code) => reject(new Error(`sandbox exited (${code})`)));
		let out = '';
		child.stdout?.on('data', (chunk: Buffer) => {
			out += chunk.toString();
			const match = /listening (\S+)/.exec(out);
			if (match) resolve(match[1]);
		});
	});
	return { url, pid: child.pid ?? -1, close: () => stopChild(child, 'SIGTERM', 10_000) };
}

async function main(): Promise<void> {
	console.log(`outbox benchmark: ${MESSAGES} replies over ${CHANNELS} channels; ${PACED_PER_CHANNEL * CHANNELS} paced proactive sends (time scale ${TIME_SCALE})`);
	console.log(`load average before: ${loadavg().map((n) => n.toFixed(2)).join(' ')} on ${cpus().length} cores`);
	const postgres = await startPrivatePostgres({ durable: true });
	const redis = await startPrivateRedis();
	if (STATS) {
		// pg_stat_statements must be preloaded: set it, then restart the server (same data).
		const { Client } = await import('pg');
		const admin = new Client({ connectionString: postgres.url });
		await admin.connect();
		await admin.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
		await admin.end();
		await postgres.halt();
		await postgres.resume();
	}
	const sandbox = await startSandboxProcess({ apiKey: API_KEY, maxSendDelayMs: 0, ackDelaysMs: { serverAck: 50, delivery: 100, read: 150, played: 200 } });
	const redisStats = STATS ? new Redis(redis.url) : undefined;
	let db: Db | undefined;
	let outbox: Outbox | undefined;
	try {
		db = createPgDb(await postgres.createDatabase('outbox_bench'));
		await migrate(db);
		const integrationsKey = randomBytes(32);
		const ws = (await db.query<{ id: string }>(`INSERT INTO workspaces (name, slug) VALUES ('Bench', 'bench') RETURNING id`)).rows[0].id;
		const channels: Array<{ id: string; name: string }> = [];
		for (let c = 0; c < CHANNELS; c++) {
			const name = `bench-${c}`;
			const { channel } = await createChannel(db, integrationsKey, { workspaceId: ws, name, instanceName: name, baseUrl: sandbox.url, apiKey: API_KEY });
			await db.query(`UPDATE whatsapp_channels SET status = 'connected', settings = $2 WHERE id = $1`, [channel.id, JSON.stringify({ outbox: { perMinute: PER_MINUTE, warmup: false } })]);
			const headers = { apikey: API_KEY, 'content-type': 'application/json' };
			await fetch(`${sandbox.url}/instance/create`, { method: 'POST', headers, body: JSON.stringify({ instanceName: name, integration: 'WHATSAPP-BAILEYS' }) });
			await fetch(`${sandbox.url}/instance/connect/${name}`, { headers });
			await fetch(`${sandbox.url}/_sandbox/instances/${name}/scan`, { method: 'POST', headers, body: JSON.stringify({ number: `55119800${String(1000 + c)}` }) });
			channels.push({ id: channel.id, name });
		}

		// 1. The ceiling: the same sends straight to the sandbox, one stream per channel.
		const perChannel = Math.ceil(MESSAGES / CHANNELS);
		let started = performance.now();
		await Promise.all(
			channels.map(async (channel, c) => {
				for (let i = 0; i < perChannel; i++) {
					await fetch(`${sandbox.url}/message/sendText/${channel.name}`, {
						method: 'POST',
						headers: { apikey: API_KEY, 'content-type': 'application/json' },
						body: JSON.stringify({ number: `5511970${String(c * perChannel + i).padStart(6, '0')}1`, text: `direct ${c} ${i}` }),
					}).then((r) => r.arrayBuffer());
				}
			}),
		);
		const ceilingSeconds = (performance.now() - started) / 1000;
		const ceiling = (perChannel * CHANNELS) / ceilingSeconds;
		console.log(`ceiling (sandbox directly): ${(perChannel * CHANNELS).toLocaleString()} sends in ${ceilingSeconds.toFixed(1)} s = ${ceiling.toFixed(0)} sends/s`);

		// 2. The outbox: 10,000 accepted replies (queued rows, as a 202 leaves them), sent by the per-channel queues.
		const counters = new InMemoryOutboxCounters();
		outbox = new Outbox({
			db,
			publisher: { publish: async () => undefined },
			logger: createLogger({ level: 'silent' }),
			integrationsKey,
			redisUrl: redis.url,
			queuePrefix: 'bench',
			timeScale: TIME_SCALE,
			reconcileMs: 60_000,
			counters,
		});
		await db.query(
			`WITH ct AS (
				INSERT INTO contacts (workspace_id, phone_e164, wa_jid)
				SELECT $1, '+5511' || (960000001 + g), '5511' || (960000001 + g) || '@s.whatsapp.net' FROM generate_series(0, $2::int - 1) g
				RETURNING id, wa_jid, (substr(phone_e164, 6)::bigint - 960000001) AS g
			), cv AS (
				INSERT INTO whatsapp_conversations (workspace_id, channel_id, contact_id, chat_jid, last_inbound_at)
				SELECT $1, ($3::uuid[])[1 + (ct.g % $4::int)], ct.id, ct.wa_jid, now() FROM ct RETURNING id, channel_id
			)
			INSERT INTO whatsapp_messages (workspace_id, channel_id, conversation_id, direction, from_me, type, body, status, origin, outbox_request)
			SELECT $1, cv.channel_id, cv.id, 'outbound', true, 'text', 'reply ' || cv.id, 'queued', 'reply', '{"typing": false}'::jsonb FROM cv`,
			[ws, MESSAGES, channels.map((c) => c.id), CHANNELS],
		);
		await db.query(`UPDATE whatsapp_messages SET created_at = clock_timestamp() WHERE status = 'queued'`);
		// Each list line shows its queued reply, as accepting it leaves it.
		await db.query(
			`UPDATE whatsapp_conversations c SET last_message_preview = m.body, last_message_direction = 'outbound', last_message_at = m.created_at
			 FROM whatsapp_messages m WHERE m.conversation_id = c.id AND m.status = 'queued'`,
		);
		if (STATS) {
			await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
			await db.query('SELECT pg_stat_statements_reset()');
			await redisStats!.config('RESETSTAT');
		}
		const cpuBefore = cpuOf([process.pid, postgres.pid, redis.pid, sandbox.pid]);
		started = performance.now();
		await outbox.reconciler.runOnce();
		for (;;) {
			const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM whatsapp_messages WHERE status = 'queued' AND origin = 'reply'`);
			if (rows[0].n === 0) break;
			await new Promise((r) => setTimeout(r, 100));
		}
		const outboxSeconds = (performance.now() - started) / 1000;
		const cpuAfter = cpuOf([process.pid, postgres.pid, redis.pid, sandbox.pid]);
		const rate = MESSAGES / outboxSeconds;
		const latencies = [...counters.latencies].sort((a, b) => a - b);
		const failures = (
			await db.query<{ code: string | null; error: string | null; n: number }>(
				`SELECT error_code AS code, error, count(*)::int AS n FROM whatsapp_messages WHERE status = 'failed' GROUP BY 1, 2 ORDER BY 3 DESC`,
			)
		).rows;
		const failed = failures.reduce((sum, f) => sum + f.n, 0);
		for (const f of failures) console.log(`  failed: ${f.n} × ${f.code ?? '-'}: ${f.error ?? ''}`);
		console.log(
			`outbox: ${MESSAGES.toLocaleString()} replies in ${outboxSeconds.toFixed(1)} s = ${rate.toFixed(0)} sends/s (${((rate / ceiling) * 100).toFixed(0)} % of the ceiling); ` +
				`queued → sent p50 ${(percentile(latencies, 0.5) / 1000).toFixed(2)} s, p99 ${(percentile(latencies, 0.99) / 1000).toFixed(2)} s; failed ${failed}`,
		);
		if (cpuBefore && cpuAfter) {
			const perSend = cpuAfter.map((ms, i) => (ms - cpuBefore[i]) / MESSAGES);
			const all = perSend.reduce((sum, ms) => sum + ms, 0);
			console.log(
				`  CPU per reply send: outbox process ${perSend[0].toFixed(2)} ms, PostgreSQL ${perSend[1].toFixed(2)} ms, Redis ${perSend[2].toFixed(2)} ms, ` +
					`sandbox ${perSend[3].toFixed(2)} ms; ${all.toFixed(2)} ms in all (${((all * MESSAGES) / (outboxSeconds * 1000 * cpus().length) * 100).toFixed(0)} % of ${cpus().length} cores)`,
			);
		}
		// What the guarantees say, checked on the result: each reply reached WhatsApp once, each call has its log line.
		const delivered = ((await (await fetch(`${sandbox.url}/_sandbox/sends`, { headers: { apikey: API_KEY } })).json()) as { sends: Array<{ text: string | null }> }).sends
			.map((s) => s.text ?? '')
			.filter((text) => text.startsWith('reply '));
		const logLines = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM whatsapp_logs WHERE operation = 'outbox_send'`)).rows[0].n;
		console.log(`  the sandbox got ${delivered.length.toLocaleString()} replies, ${(delivered.length - new Set(delivered).size).toLocaleString()} of them twice; whatsapp_logs: ${logLines.toLocaleString()} send lines`);
		if (delivered.length !== new Set(delivered).size) process.exitCode = 1;

		if (STATS) await printStats(db, redisStats!, MESSAGES);

		// 3. Paced proactive sends: a batch per channel to contacts who never wrote.
		const batchStarted = Date.now();
		const expected = new Map<string, number>();
		await Promise.all(
			channels.map(async (channel, c) => {
				const items = Array.from({ length: PACED_PER_CHANNEL }, (_v, i) => ({
					type: 'text' as const,
					to: `+5511950${String(c * PACED_PER_CHANNEL + i).padStart(5, '0')}1`,
					text: `paced ${c} ${i}`,
					typing: false,
				}));
				const results = await outbox!.sendBatch({ workspaceId: ws, userId: null }, channel.id, items);
				for (const [i, result] of results.entries()) if (result.expectedSendAt) expected.set(`paced ${c} ${i}`, Date.parse(result.expectedSendAt));
			}),
		);
		const total = PACED_PER_CHANNEL * CHANNELS;
		for (;;) {
			const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM whatsapp_messages WHERE status = 'queued' AND origin = 'proactive'`);
			if (rows[0].n === 0) break;
			await new Promise((r) => setTimeout(r, 200));
		}
		const pacedSeconds = (Date.now() - batchStarted) / 1000;
		const sends = (await (await fetch(`${sandbox.url}/_sandbox/sends`, { headers: { apikey: API_KEY } })).json()) as { sends: Array<{ instance: string; text: string; at: number }> };
		const window = 60_000 * TIME_SCALE;
		let violations = 0;
		let worstWindow = 0;
		const lateness: number[] = [];
		for (const channel of channels) {
			const times = sends.sends.filter((s) => s.instance === channel.name && s.text.startsWith('paced ')).map((s) => s.at).sort((a, b) => a - b);
			let j = 0;
			for (let i = 0; i < times.length; i++) {
				while (times[i] - times[j] >= window) j++;
				const inWindow = i - j + 1;
				worstWindow = Math.max(worstWindow, inWindow);
				if (inWindow > PER_MINUTE) violations++;
			}
		}
		for (const s of sends.sends) {
			const at = expected.get(s.text);
			if (at !== undefined) lateness.push(s.at - at);
		}
		lateness.sort((a, b) => a - b);
		console.log(
			`paced: ${total.toLocaleString()} proactive sends over ${CHANNELS} channels in ${pacedSeconds.toFixed(1)} s (cap ${PER_MINUTE} per ${window} ms window): ` +
				`${violations} pacing violations (busiest window ${worstWindow}); send time − forecast p50 ${percentile(lateness, 0.5).toFixed(0)} ms, ` +
				`p99 ${percentile(lateness, 0.99).toFixed(0)} ms, max ${(lateness[lateness.length - 1] ?? 0).toFixed(0)} ms (${lateness.length} forecast)`,
		);
		console.log(`load average after: ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
		if (violations > 0) process.exitCode = 1;
	} finally {
		redisStats?.disconnect();
		await outbox?.close();
		await db?.close();
		await sandbox.close();
		await redis.stop();
		await postgres.stop();
	}
}

/** Per send: PostgreSQL statements (calls, time) and Redis commands over phase 2. */
async function printStats(db: Db, redis: Redis, sends: number): Promise<void> {
	const { rows } = await db.query<{ query: string; calls: number; ms: number }>(
		`SELECT regexp_replace(left(query, 90), '\\s+', ' ', 'g') AS query, calls::int, total_exec_time AS ms FROM pg_stat_statements
		 WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT LIKE '%pg_stat_statements%' ORDER BY calls DESC LIMIT 15`,
	);
	console.log(`PostgreSQL statements per send: ${(rows.reduce((n, r) => n + r.calls, 0) / sends).toFixed(2)}`);
	for (const row of rows) console.log(`  ${(row.calls / sends).toFixed(2)} × ${(row.ms / Math.max(1, row.calls)).toFixed(3)} ms  ${row.query}`);
	const info = await redis.info('commandstats');
	const commands = [...info.matchAll(/cmdstat_(\w+):calls=(\d+),usec=(\d+)/g)].map(([, name, calls, usec]) => ({ name, calls: Number(calls), usec: Number(usec) }));
	commands.sort((a, b) => b.calls - a.calls);
	console.log(`Redis commands per send: ${(commands.reduce((n, c) => n + c.calls, 0) / sends).toFixed(2)}`);
	for (const c of commands.slice(0, 10)) console.log(`  ${(c.calls / sends).toFixed(2)} × ${(c.usec / Math.max(1, c.calls)).toFixed(1)} µs  ${c.name}`);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
