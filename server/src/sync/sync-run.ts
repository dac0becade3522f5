import type { Db, Queryable } from '../db/db';
import type { Logger } from '../logging/logger';
import type { EvolutionClient } from '../providers/evolution/evolution-client';
import type { InboxPublisher } from '../realtime/inbox-events';
import { fetchHistoryPage, listChats } from './chat-pager';
import { HistoryImporter } from './history-import';
import { readSyncRun, refreshSyncRun, type SyncRunView } from './sync-runs';

/** Chats imported side by side: Evolution answers one findMessages at a time per chat, the database takes several. */
export const SYNC_WORKERS = 8;
const PAGE_ATTEMPTS = 3;
const PROGRESS_EVERY_MS = 250;

export interface SyncRunDeps {
	db: Db;
	logger: Logger;
	publisher: InboxPublisher;
	/** The channel's Evolution client and instance name (its own key, else the instance token, else the global key). */
	evolution(workspaceId: string, channelId: string): Promise<{ client: EvolutionClient; instance: string }>;
	workers?: number;
	/** Between pages: true when this process is stopping (the run stays `running` and resumes at the next start). */
	stopping(): boolean;
	/** Waits before retrying a failed page (tests shorten it). */
	retryDelayMs?: number;
}

interface RunRow {
	workspaceId: string;
	channelId: string;
	status: string;
	windowStart: Date;
	windowEnd: Date;
	chats: string[] | null;
	listed: boolean;
	cancelRequested: boolean;
}

/**
 * Executes one history sync run, or the rest of it: lists the chats once (stored with the run, so a resumed run
 * keeps the same set), then 8 workers take the chats still pending and page each one's messages from the newest back
 * to the window's start, importing page by page (HistoryImporter: ingest's write path, as history) and storing the
 * next page as the chat's cursor with the counters. A cancel is seen between pages. Failures of one chat are counted
 * on the run and do not stop the others. Answers the run as it ended (undefined if it vanished).
 */
export async function executeSyncRun(deps: SyncRunDeps, workspaceId: string, runId: string): Promise<SyncRunView | undefined> {
	const { db } = deps;
	const started = await db.query<RunRow>(
		`UPDATE whatsapp_sync_runs SET status = 'running', started_at = COALESCE(started_at, now()), updated_at = now()
		 WHERE workspace_id = $1 AND id = $2 AND status IN ('queued', 'running')
		 RETURNING workspace_id AS "workspaceId", channel_id AS "channelId", status, window_start AS "windowStart", window_end AS "windowEnd",
			chat_filter AS chats, EXISTS (SELECT 1 FROM whatsapp_sync_chats c WHERE c.run_id = id) AS listed, cancel_requested AS "cancelRequested"`,
		[workspaceId, runId],
	);
	const run = started.rows[0];
	if (!run) return readSyncRun(db, workspaceId, runId);
	const progress = new ProgressPublisher(deps, workspaceId, runId);
	if (run.cancelRequested) return finish(progress, 'cancelled');

	let evolution: { client: EvolutionClient; instance: string };
	try {
		evolution = await deps.evolution(workspaceId, run.channelId);
		if (!run.listed) await listRunChats(deps, workspaceId, runId, run, evolution);
	} catch (error) {
		await db.query(`UPDATE whatsapp_sync_runs SET errors = errors + 1, last_error = $3 WHERE workspace_id = $1 AND id = $2`, [workspaceId, runId, (error as Error).message.slice(0, 500)]);
		return finish(progress, 'failed');
	}
	await progress.publish(true);

	const { rows: pending } = await db.query<{ remoteJid: string; nextPage: number }>(
		`SELECT remote_jid AS "remoteJid", next_page AS "nextPage" FROM whatsapp_sync_chats WHERE run_id = $1 AND status = 'pending' ORDER BY remote_jid`,
		[runId],
	);
	const importer = new HistoryImporter(db, workspaceId, run.channelId);
	const window = { start: new Date(run.windowStart), end: new Date(run.windowEnd) };
	const state = { cancelled: false };
	let next = 0;
	const worker = async () => {
		while (!state.cancelled && !deps.stopping()) {
			const chat = pending[next++];
			if (!chat) return;
			await syncChat(deps, { workspaceId, runId, window, importer, evolution, progress, state }, chat);
		}
	};
	await Promise.all(Array.from({ length: Math.min(deps.workers ?? SYNC_WORKERS, Math.max(1, pending.length)) }, worker));

	if (state.cancelled) return finish(progress, 'cancelled');
	// Stopping: left `running`, resumed from the chats' cursors by the next start.
	if (deps.stopping()) return refreshSyncRun(db, workspaceId, runId);
	return finish(progress, 'completed');
}

async function listRunChats(deps: SyncRunDeps, workspaceId: string, runId: string, run: RunRow, evolution: { client: EvolutionClient; instance: string }): Promise<void> {
	// Only the chats asked for, when the request named some (findMessages also finds a chat by its remoteJidAlt).
	const jids = run.chats?.length ? run.chats : (await listChats(evolution.client, evolution.instance)).map((chat) => chat.remoteJid);
	await deps.db.transaction(async (tx) => {
		await tx.query(
			`INSERT INTO whatsapp_sync_chats (run_id, workspace_id, remote_jid) SELECT $1, $2, j FROM unnest($3::text[]) AS j ON CONFLICT DO NOTHING`,
			[runId, workspaceId, jids],
		);
		await tx.query(`UPDATE whatsapp_sync_runs SET chats_total = (SELECT count(*) FROM whatsapp_sync_chats WHERE run_id = $1), updated_at = now() WHERE id = $1`, [runId]);
	});
}

interface ChatContext {
	workspaceId: string;
	runId: string;
	window: { start: Date; end: Date };
	importer: HistoryImporter;
	evolution: { client: EvolutionClient; instance: string };
	progress: ProgressPublisher;
	state: { cancelled: boolean };
}

/** One chat, from its cursor to its last page; each page's result and the next cursor are stored with its messages. */
async function syncChat(deps: SyncRunDeps, ctx: ChatContext, chat: { remoteJid: string; nextPage: number }): Promise<void> {
	let page = chat.nextPage;
	for (;;) {
		if (ctx.state.cancelled || deps.stopping()) return;
		let outcome: { seen: number; imported: number; unreadable: number; last: boolean; conversations: unknown[] };
		try {
			outcome = await withRetries(deps, async () => {
				const answer = await fetchHistoryPage(ctx.evolution.client, ctx.evolution.instance, chat.remoteJid, ctx.window, page);
				const last = answer.records.length === 0 || page >= answer.pages;
				// The page's cursor and counters are written in the transaction that stores its messages.
				const chunk = await ctx.importer.importChunk(answer.records, (tx, stored) =>
					record(tx, ctx, chat.remoteJid, {
						nextPage: page + 1,
						seen: stored.seen,
						imported: stored.imported,
						status: last ? 'done' : 'pending',
						errors: stored.unreadable,
						error: stored.unreadable ? `${chat.remoteJid}: ${stored.unreadable} unreadable message(s) skipped` : null,
					}),
				);
				return { ...chunk, last };
			});
		} catch (error) {
			const message = `${chat.remoteJid}: ${(error as Error).message}`.slice(0, 500);
			deps.logger.warn({ runId: ctx.runId, chat: chat.remoteJid, err: (error as Error).message }, 'history sync: chat failed');
			await record(deps.db, ctx, chat.remoteJid, { nextPage: page, seen: 0, imported: 0, status: 'failed', errors: 1, error: message });
			await ctx.progress.publish(true);
			return;
		}
		if (outcome.conversations.length) {
			const events = (outcome.conversations as Array<{ id: string; channelId: string }>).map((conversation) => ({
				type: 'conversation.updated' as const,
				channelId: conversation.channelId,
				conversationId: conversation.id,
				data: { conversation },
				at: Date.now(),
			}));
			await deps.publisher.publish(ctx.workspaceId, events).catch((error: Error) => deps.logger.warn({ err: error.message }, 'history sync: publish failed'));
		}
		// Progress per page, at most every 250 ms (the run's counts are refreshed then, from its chats').
		await ctx.progress.publish(false);
		if (outcome.last) return;
		page++;
	}
}

async function withRetries<T>(deps: SyncRunDeps, work: () => Promise<T>): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await work();
		} catch (error) {
			if (attempt >= PAGE_ATTEMPTS || deps.stopping()) throw error;
			await new Promise((resolve) => setTimeout(resolve, (deps.retryDelayMs ?? 1000) * attempt));
		}
	}
}

/**
 * Stores a page's result on its chat (the cursor and the counts) in one statement, and notes a cancel. The run's row
 * is only written when the page had errors (rare): the run's counts are its chats' sums (refreshSyncRun), so pages
 * of different chats never wait for each other's commits on the run's row.
 */
async function record(
	db: Queryable,
	ctx: ChatContext,
	remoteJid: string,
	change: { nextPage: number; seen: number; imported: number; status: 'pending' | 'done' | 'failed'; errors: number; error: string | null },
): Promise<void> {
	const { rows } = await db.query<{ cancelRequested: boolean }>(
		`WITH chat AS (
			UPDATE whatsapp_sync_chats SET next_page = $3, messages_seen = messages_seen + $4, messages_imported = messages_imported + $5, status = $6,
				error = COALESCE($8, error), updated_at = now()
			WHERE run_id = $2 AND remote_jid = $9 RETURNING 1
		 ),
		 failure AS (
			UPDATE whatsapp_sync_runs SET errors = errors + $7, last_error = COALESCE($8, last_error), updated_at = now()
			WHERE workspace_id = $1 AND id = $2 AND ($7 > 0 OR $8 IS NOT NULL) RETURNING 1
		 )
		 SELECT cancel_requested AS "cancelRequested" FROM whatsapp_sync_runs WHERE workspace_id = $1 AND id = $2`,
		[ctx.workspaceId, ctx.runId, change.nextPage, change.seen, change.imported, change.status, change.errors, change.error, remoteJid],
		{ prepare: true },
	);
	if (rows[0]?.cancelRequested) ctx.state.cancelled = true;
}

/** Ends the run in the statement that brings its counts up to date, and publishes it. */
function finish(progress: ProgressPublisher, status: 'completed' | 'cancelled' | 'failed'): Promise<SyncRunView | undefined> {
	return progress.publish(true, status);
}

/** `sync.progress` with the run's counters brought up to date, at most every 250 ms while pages go by, and at the end. */
class ProgressPublisher {
	private last = 0;

	constructor(
		private readonly deps: SyncRunDeps,
		private readonly workspaceId: string,
		private readonly runId: string,
	) {}

	/** With `end`, ends the run as well (see refreshSyncRun). Answers the run as published (undefined when skipped, or when the run vanished). */
	async publish(force: boolean, end?: 'completed' | 'cancelled' | 'failed'): Promise<SyncRunView | undefined> {
		const now = Date.now();
		if (!force && now - this.last < PROGRESS_EVERY_MS) return undefined;
		this.last = now;
		const run = await refreshSyncRun(this.deps.db, this.workspaceId, this.runId, end);
		if (!run) return undefined;
		await this.deps.publisher
			.publish(this.workspaceId, [{ type: 'sync.progress', channelId: run.channelId, data: { run }, at: now }])
			.catch((error: Error) => this.deps.logger.warn({ err: error.message }, 'history sync: progress not published'));
		return run;
	}
}
