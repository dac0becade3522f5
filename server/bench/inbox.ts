/**
 * npm run bench:inbox — the inbox's read paths at scale, on a private real PostgreSQL (durable settings):
 * 100k conversations and 1M messages, then the conversation list (each tab: first page and a deep cursor page,
 * with the tab counts; searches), and the thread (first and deep page), measured through the same functions the
 * routes call. Target: p95 ≤ 20 ms each. Prints the load average before and after: compare runs at similar load.
 */
import { cpus, loadavg } from 'node:os';
import type { Db } from '../src/db/db';
import { migrate } from '../src/db/migrate';
import { createPgDb } from '../src/db/pg-db';
import { encodeCursor } from '../src/inbox/api/cursor';
import { type AssigneeTab, listConversations, type StatusFilter } from '../src/inbox/conversations/conversation-list';
import { listThread } from '../src/inbox/messages/thread';
import { startPrivatePostgres } from '../src/infra/private-postgres';

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 100_000);
const MESSAGES_PER_CONVERSATION = Number(process.env.BENCH_MESSAGES_PER_CONVERSATION ?? 10);
const HOT_THREAD_MESSAGES = 20_000;
const AGENTS = 10;
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200);
const TARGET_P95_MS = 20;

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
	const started = performance.now();
	const value = await fn();
	console.log(`  ${label}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
	return value;
}

/** Everything with generate_series: a handful of set-based statements, no row-by-row round trips. */
async function seed(db: Db): Promise<{ workspaceId: string; me: string; channelId: string; hotConversationId: string }> {
	const workspaceId = (await db.query<{ id: string }>("INSERT INTO workspaces (name, slug) VALUES ('Bench', 'bench') RETURNING id")).rows[0].id;
	await db.query(
		`INSERT INTO users (workspace_id, email, name, role) SELECT $1, 'agent' || g || '@bench.test', 'Agent ' || g, 'agent' FROM generate_series(1, ${AGENTS}) g`,
		[workspaceId],
	);
	const agents = (await db.query<{ id: string }>('SELECT id FROM users WHERE workspace_id = $1 ORDER BY email', [workspaceId])).rows.map((r) => r.id);
	const channelId = (
		await db.query<{ id: string }>(
			`INSERT INTO whatsapp_channels (workspace_id, name, instance_name, base_url, webhook_secret_hash) VALUES ($1, 'Vendas', 'bench', 'http://evolution.test', 'x') RETURNING id`,
			[workspaceId],
		)
	).rows[0].id;
	await timed(`${CONVERSATIONS} contacts`, () =>
		db.query(
			`INSERT INTO contacts (workspace_id, phone_e164, wa_jid, name, push_name)
			 SELECT $1, '+5511' || (900000000 + g), '5511' || (900000000 + g) || '@s.whatsapp.net', 'Cliente ' || g, 'Cli ' || g
			 FROM generate_series(1, ${CONVERSATIONS}) g`,
			[workspaceId],
		),
	);
	// Status mix like a live inbox: 40 % open, 30 % pending, 25 % resolved, 5 % snoozed; half unassigned, the rest
	// spread over the agents; last activity over the past 90 days.
	await timed(`${CONVERSATIONS} conversations`, () =>
		db.query(
			`INSERT INTO whatsapp_conversations (workspace_id, channel_id, contact_id, chat_jid, status, assigned_user_id, unread_count,
				last_message_at, last_message_preview, last_message_direction, created_at)
			 SELECT $1, $2, ct.id, ct.wa_jid,
				CASE WHEN n % 20 < 8 THEN 'open' WHEN n % 20 < 14 THEN 'pending' WHEN n % 20 < 19 THEN 'resolved' ELSE 'snoozed' END,
				CASE WHEN n % 2 = 0 THEN NULL ELSE ($3::uuid[])[1 + (n / 2) % ${AGENTS}] END,
				n % 4,
				now() - (random() * interval '90 days'), 'última mensagem ' || n, 'inbound', now() - interval '91 days'
			 FROM (SELECT id, wa_jid, row_number() OVER (ORDER BY id) AS n FROM contacts WHERE workspace_id = $1) ct`,
			[workspaceId, channelId, agents],
		),
	);
	await timed(`${CONVERSATIONS * MESSAGES_PER_CONVERSATION} messages`, () =>
		db.query(
			`INSERT INTO whatsapp_messages (workspace_id, channel_id, conversation_id, wa_message_id, direction, from_me, type, body, status, wa_timestamp)
			 SELECT c.workspace_id, c.channel_id, c.id, 'B' || c.n || '_' || g,
				CASE WHEN g % 3 = 0 THEN 'outbound' ELSE 'inbound' END, g % 3 = 0, 'text', 'mensagem ' || g || ' da conversa ' || c.n, 'delivered',
				c.last_message_at - ((${MESSAGES_PER_CONVERSATION} - g) * interval '3 minutes')
			 FROM (SELECT id, workspace_id, channel_id, last_message_at, row_number() OVER (ORDER BY id) AS n FROM whatsapp_conversations WHERE workspace_id = $1) c,
				generate_series(1, ${MESSAGES_PER_CONVERSATION}) g`,
			[workspaceId],
		),
	);
	// One long-running conversation, for deep thread pages.
	const hotConversationId = (
		await db.query<{ id: string }>('SELECT id FROM whatsapp_conversations WHERE workspace_id = $1 AND assigned_user_id = $2 LIMIT 1', [workspaceId, agents[0]])
	).rows[0].id;
	await timed(`${HOT_THREAD_MESSAGES} messages in one thread`, () =>
		db.query(
			`INSERT INTO whatsapp_messages (workspace_id, channel_id, conversation_id, wa_message_id, direction, from_me, type, body, status, wa_timestamp)
			 SELECT $1, $2, $3, 'HOT' || g, 'inbound', false, 'text', 'longa conversa ' || g, 'read', now() - interval '100 days' + g * interval '1 minute'
			 FROM generate_series(1, ${HOT_THREAD_MESSAGES}) g`,
			[workspaceId, channelId, hotConversationId],
		),
	);
	await timed('VACUUM ANALYZE', () => db.exec('VACUUM ANALYZE'));
	return { workspaceId, me: agents[0], channelId, hotConversationId };
}

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

interface Figure {
	case: string;
	p50: number;
	p95: number;
	p99: number;
	max: number;
}

async function measure(label: string, fn: () => Promise<unknown>): Promise<Figure> {
	for (let i = 0; i < 20; i++) await fn();
	const samples: number[] = [];
	for (let i = 0; i < ITERATIONS; i++) {
		const started = performance.now();
		await fn();
		samples.push(performance.now() - started);
	}
	samples.sort((a, b) => a - b);
	const round = (n: number) => Math.round(n * 100) / 100;
	return { case: label, p50: round(percentile(samples, 50)), p95: round(percentile(samples, 95)), p99: round(percentile(samples, 99)), max: round(samples[samples.length - 1]) };
}

/** The cursor a client holds after paging `depth` rows into a tab (computed in SQL rather than paging there). */
async function deepListCursor(db: Db, workspaceId: string, me: string, tab: AssigneeTab, status: StatusFilter, depth: number): Promise<string | undefined> {
	const where = ['workspace_id = $1'];
	const params: unknown[] = [workspaceId];
	if (status !== 'all') {
		params.push(status);
		where.push(`status = $${params.length}`);
	}
	if (tab === 'mine') {
		params.push(me);
		where.push(`assigned_user_id = $${params.length}`);
	} else if (tab === 'unassigned') where.push('assigned_user_id IS NULL');
	const { rows } = await db.query<{ at: string; id: string }>(
		`SELECT to_char(last_activity_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at, id FROM whatsapp_conversations
		 WHERE ${where.join(' AND ')} ORDER BY last_activity_at DESC, id DESC OFFSET ${depth} LIMIT 1`,
		params,
	);
	return rows[0] ? encodeCursor(rows[0].at, rows[0].id) : undefined;
}

async function main(): Promise<void> {
	console.log(`inbox benchmark: ${CONVERSATIONS} conversations, ${CONVERSATIONS * MESSAGES_PER_CONVERSATION + HOT_THREAD_MESSAGES} messages, ${ITERATIONS} runs per case`);
	const postgres = await startPrivatePostgres({ durable: true });
	let db: Db | undefined;
	try {
		db = createPgDb(await postgres.createDatabase('inbox_bench'));
		await migrate(db);
		console.log('seeding (private PostgreSQL, durable settings):');
		const { workspaceId, me, hotConversationId } = await seed(db);
		const caller = { workspaceId, userId: me };
		const figures: Figure[] = [];
		const run = async (label: string, fn: () => Promise<unknown>) => {
			const figure = await measure(label, fn);
			figures.push(figure);
			console.log(`  ${label.padEnd(58)} p50 ${figure.p50.toFixed(2).padStart(6)} ms   p95 ${figure.p95.toFixed(2).padStart(6)} ms   p99 ${figure.p99.toFixed(2).padStart(6)} ms`);
		};
		const loadBefore = loadavg();
		console.log(`measuring (load average ${loadBefore.map((n) => n.toFixed(2)).join(' ')} on ${cpus().length} cores):`);
		for (const status of ['open', 'all'] as const) {
			for (const tab of ['mine', 'unassigned', 'all'] as const) {
				await run(`list ${tab}/${status}, first page (25) + tab counts`, () => listConversations(db!, caller, { assignee: tab, status, limit: 25 }));
				const depth = tab === 'mine' ? 1_000 : 10_000;
				const cursor = await deepListCursor(db!, workspaceId, me, tab, status, depth);
				if (cursor) await run(`list ${tab}/${status}, page at row ${depth} (cursor)`, () => listConversations(db!, caller, { assignee: tab, status, cursor, limit: 25 }));
			}
		}
		// Search: a few matches behind trigrams every contact has ("cli", "ien"…), a broad one (11k contacts match),
		// a phone number written with a space, and the last message.
		const searchCase = (label: string, search: string) =>
			run(`list all/open, search ${label}`, () => listConversations(db!, caller, { assignee: 'all', status: 'open', search, limit: 25 }));
		await searchCase('"Cliente 4242"', 'Cliente 4242');
		await searchCase('"Cliente 1" (11k matches)', 'Cliente 1');
		await searchCase('phone "9000 4242"', '9000 4242');
		await searchCase('last message "mensagem 4242"', 'mensagem 4242');
		const sample = (await db.query<{ id: string }>('SELECT id FROM whatsapp_conversations WHERE workspace_id = $1 ORDER BY id LIMIT 200', [workspaceId])).rows.map((r) => r.id);
		let i = 0;
		await run('thread, newest 50 (various conversations)', () => listThread(db!, workspaceId, sample[i++ % sample.length], { limit: 50 }));
		await run(`thread of ${HOT_THREAD_MESSAGES}, newest 50`, () => listThread(db!, workspaceId, hotConversationId, { limit: 50 }));
		const deep = (
			await db.query<{ at: string; id: string }>(
				`SELECT to_char(thread_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at, id FROM whatsapp_messages
				 WHERE workspace_id = $1 AND conversation_id = $2 ORDER BY thread_at DESC, id DESC OFFSET 15000 LIMIT 1`,
				[workspaceId, hotConversationId],
			)
		).rows[0];
		await run(`thread of ${HOT_THREAD_MESSAGES}, 50 before message 15000 (cursor)`, () =>
			listThread(db!, workspaceId, hotConversationId, { limit: 50, before: encodeCursor(deep.at, deep.id) }),
		);

		const loadAfter = loadavg();
		console.log(`load average after: ${loadAfter.map((n) => n.toFixed(2)).join(' ')}`);
		const worst = figures.reduce((a, b) => (b.p95 > a.p95 ? b : a));
		console.log(`\nworst p95: ${worst.p95} ms (${worst.case}); target ≤ ${TARGET_P95_MS} ms: ${worst.p95 <= TARGET_P95_MS ? 'met' : 'NOT met'}`);
		// Other work on the machine skews every figure: compare runs only at similar load.
		const machine = { cpus: cpus().length, loadAverage1mBefore: +loadBefore[0].toFixed(2), loadAverage1mAfter: +loadAfter[0].toFixed(2) };
		console.log(JSON.stringify({ conversations: CONVERSATIONS, messages: CONVERSATIONS * MESSAGES_PER_CONVERSATION + HOT_THREAD_MESSAGES, machine, figures }, null, 2));
		process.exitCode = worst.p95 <= TARGET_P95_MS ? 0 : 1;
	} finally {
		await db?.close();
		await postgres.stop();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
