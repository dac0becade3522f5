/**
 * npm run bench:sync — history sync at scale: 100,000 messages over 500 chats seeded in the Evolution sandbox (its own
 * process, as Evolution would be), imported by a history sync run (the same code the server runs: findChats, 8 chat
 * workers paging findMessages by 500, the pages of several chats written in chunks of ~500 through ingest's write
 * path) into a private durable PostgreSQL. In the same run, the
 * same rows are inserted again raw (batched INSERT … SELECT unnest, 500 a statement) into a copy of the messages table
 * with the same indexes: the ratio says how much the sync's work (reading Evolution, contacts, conversations,
 * previews) costs over writing the rows alone. Targets: ≥ 10,000 messages/s and a ratio ≥ 0.5.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createChannel } from '../src/channels/channel-repository';
import { migrate } from '../src/db/migrate';
import { createPgDb } from '../src/db/pg-db';
import { findFreePort } from '../src/infra/free-port';
import { startPrivatePostgres } from '../src/infra/private-postgres';
import { createLogger } from '../src/logging/logger';
import { executeSyncRun } from '../src/sync/sync-run';
import { insertSyncRun } from '../src/sync/sync-runs';
import { EvolutionClient } from '../src/providers/evolution/evolution-client';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100_000);
const CHATS = Number(process.env.BENCH_CHATS ?? 500);
const TARGET_RATE = 10_000;
const TARGET_RATIO = 0.5;
const API_KEY = 'bench-key';

async function startSandboxProcess(): Promise<{ url: string; child: ChildProcess }> {
	const port = await findFreePort();
	const child = spawn(process.execPath, [join(__dirname, '../sandbox/main.js')], {
		env: { ...process.env, SANDBOX_PORT: String(port), SANDBOX_API_KEY: API_KEY },
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const url = `http://127.0.0.1:${port}`;
	await new Promise<void>((resolve, reject) => {
		child.once('exit', (code) => reject(new Error(`sandbox exited (${code})`)));
		child.stdout?.on('data', (chunk: Buffer) => {
			if (chunk.toString().includes('listening')) resolve();
		});
	});
	return { url, child };
}

async function main(): Promise<void> {
	console.log(`bench:sync — ${MESSAGES} messages over ${CHATS} chats; ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
	const postgres = await startPrivatePostgres({ durable: true });
	const sandbox = await startSandboxProcess();
	const db = createPgDb(await postgres.createDatabase('sync_bench'));
	try {
		await migrate(db);
		const evolution = new EvolutionClient({ baseUrl: sandbox.url, apiKey: API_KEY, timeoutMs: 120_000 });
		await evolution.request('POST', '/instance/create', { instanceName: 'bench', integration: 'WHATSAPP-BAILEYS' });
		await evolution.request('GET', '/instance/connect', undefined, { instance: 'bench' });
		await evolution.request('POST', '/_sandbox/instances/bench/scan', {});
		let started = performance.now();
		// Spread over the last 29 days: the run imports 30 days back from when it starts (a second or so after the
		// seeding), so a history seeded over exactly 30 days would leave its oldest message just outside.
		const now = Math.floor(Date.now() / 1000);
		await evolution.request('POST', '/_sandbox/instances/bench/history', { messages: MESSAGES, chats: CHATS, since: now - 29 * 86_400, until: now });
		console.log(`  seeded the sandbox: ${((performance.now() - started) / 1000).toFixed(1)} s`);

		const key = randomBytes(32);
		const workspaceId = (await db.query<{ id: string }>("INSERT INTO workspaces (name, slug) VALUES ('Bench', 'bench') RETURNING id")).rows[0].id;
		const { channel } = await createChannel(db, key, { workspaceId, name: 'Vendas', instanceName: 'bench', baseUrl: sandbox.url, apiKey: API_KEY });
		const run = (await insertSyncRun(db, { workspaceId, channelId: channel.id, days: 30, trigger: 'manual' }))!;
		const logger = createLogger({ level: 'warn' });

		started = performance.now();
		const ended = await executeSyncRun(
			{
				db,
				logger,
				publisher: { publish: async () => undefined },
				stopping: () => false,
				evolution: async () => ({ client: new EvolutionClient({ baseUrl: sandbox.url, apiKey: API_KEY, timeoutMs: 120_000 }), instance: 'bench' }),
			},
			workspaceId,
			run.id,
		);
		const syncSeconds = (performance.now() - started) / 1000;
		if (!ended || ended.status !== 'completed' || ended.messagesImported !== MESSAGES) throw new Error(`the run did not import everything: ${JSON.stringify(ended)}`);
		const syncRate = MESSAGES / syncSeconds;
		console.log(`  history sync: ${ended.messagesImported} messages, ${ended.chatsDone} chats in ${syncSeconds.toFixed(1)} s → ${Math.round(syncRate)} messages/s`);

		// The same rows, raw: read back, then batched INSERT … SELECT unnest of 500 into a copy with the same indexes.
		await db.query('CREATE TABLE bench_raw_messages (LIKE whatsapp_messages INCLUDING DEFAULTS INCLUDING INDEXES)');
		const { rows } = await db.query<Record<string, unknown>>(
			`SELECT workspace_id, channel_id, conversation_id, wa_message_id, direction, from_me, type, body, status, wa_timestamp, sender_jid, sender_name FROM whatsapp_messages WHERE channel_id = $1`,
			[channel.id],
		);
		started = performance.now();
		for (let i = 0; i < rows.length; i += 500) {
			const chunk = rows.slice(i, i + 500);
			const col = (name: string) => chunk.map((r) => r[name]);
			await db.query(
				`INSERT INTO bench_raw_messages (workspace_id, channel_id, conversation_id, wa_message_id, direction, from_me, type, body, status, wa_timestamp, sender_jid, sender_name)
				 SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::boolean[], $7::text[], $8::text[], $9::text[], $10::timestamptz[], $11::text[], $12::text[])`,
				['workspace_id', 'channel_id', 'conversation_id', 'wa_message_id', 'direction', 'from_me', 'type', 'body', 'status', 'wa_timestamp', 'sender_jid', 'sender_name'].map(col),
				{ prepare: true },
			);
		}
		const rawSeconds = (performance.now() - started) / 1000;
		const rawRate = rows.length / rawSeconds;
		const ratio = syncRate / rawRate;
		console.log(`  raw batched insert of the same ${rows.length} rows: ${rawSeconds.toFixed(1)} s → ${Math.round(rawRate)} rows/s`);
		console.log(`  ratio sync / raw: ${ratio.toFixed(2)}`);
		console.log(`result: ${Math.round(syncRate)} messages/s (target ≥ ${TARGET_RATE}: ${syncRate >= TARGET_RATE ? 'met' : 'NOT met'}), ratio ${ratio.toFixed(2)} (target ≥ ${TARGET_RATIO}: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'}); load after ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
	} finally {
		await db.close();
		sandbox.child.kill('SIGTERM');
		await postgres.stop();
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
