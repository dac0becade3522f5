import type { Db, Queryable } from '../db/db';
import type { Logger } from '../logging/logger';
import type { EvolutionClient } from '../providers/evolution/evolution-client';
import type { InboxPublisher } from '../realtime/inbox-events';
import { fetchHistoryPage, listChats, type EvolutionHistoryRecord } from './chat-pager';
import { HistoryImporter } from './history-import';
import { PageGatherer } from './page-gatherer';
import { readSyncRun, refreshSyncRun, type SyncRunView } from './sync-runs';

/** Chats imported side by side: Evolution answers one findMessages at a time per chat, the database takes several. */
export const SYNC_WORKERS = 8;
const PAGE_ATTEMPTS = 3;
/** Messages a write chunk gathers, across chats (most chats hold fewer messages than a findMessages page). */
export const CHUNK_MESSAGES = 500;
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
 * to the window's start; the pages of several chats are written together in chunks of about 500 messages
 * (HistoryImporter: ingest's write path, as history), each page's next page stored as its chat's cursor with the
 * counts, in the chunk's transaction. A cancel is seen between pages. Failures of one chat are counted
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
	const gatherer = new PageGatherer<FetchedPage, PageOutcome>(CHUNK_MESSAGES, (pages) => writeChunk(deps, { workspaceId, runId, state }, importer, pages));
	const ctx: ChatContext = { workspaceId, runId, window, evolution, progress, state, gatherer };
	let next = 0;
	const worker = async () => {
		gatherer.join();
		try {
			while (!state.cancelled && !deps.stopping()) {
				const chat = pending[next++];
				if (!chat) return;
				await syncChat(deps, ctx, chat);
			}
		} finally {
			gatherer.leave();
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

interface RunContext {
	workspaceId: string;
	runId: string;
	state: { cancelled: boolean };
}

interface ChatContext extends RunContext {
	window: { start: Date; end: Date };
	evolution: { client: EvolutionClient; instance: string };
	progress: ProgressPublisher;
	gatherer: PageGatherer<FetchedPage, PageOutcome>;
}

/** A findMessages page of a chat, waiting to be written with other chats' pages. */
interface FetchedPage {
	remoteJid: string;
	page: number;
	records: EvolutionHistoryRecord[];
	last: boolean;
}

interface PageOutcome {
	last: boolean;
}

/**
 * One chat, from its cursor to its last page: each page goes into a chunk with other chats' pages (PageGatherer) and
 * the next one is fetched once it is stored with its cursor. A page whose chunk failed is fetched again and written
 * alone, so a bad page fails only its own chat.
 */
async function syncChat(deps: SyncRunDeps, ctx: ChatContext, chat: { remoteJid: string; nextPage: number }): Promise<void> {
	let page = chat.nextPage;
	for (;;) {
		if (ctx.state.cancelled || deps.stopping()) return;
		let outcome: PageOutcome;
		try {
			outcome = await withRetries(deps, async (attempt) => {
				const answer = await fetchHistoryPage(ctx.evolution.client, ctx.evolution.instance, chat.remoteJid, ctx.window, page);
				const last = answer.records.length === 0 || page >= answer.pages;
				return ctx.gatherer.submit({ remoteJid: chat.remoteJid, page, records: answer.records, last }, answer.records.length, attempt > 1);
			});
		} catch (error) {
			const message = `${chat.remoteJid}: ${(error as Error).message}`.slice(0, 500);
			deps.logger.warn({ runId: ctx.runId, chat: chat.remoteJid, err: (error as Error).message }, 'history sync: chat failed');
			await recordPages(deps.db, ctx, [{ remoteJid: chat.remoteJid, nextPage: page, seen: 0, imported: 0, status: 'failed', errors: 1, error: message }]);
			await ctx.progress.publish(true);
			return;
		}
		// Progress per page, at most every 250 ms (the run's counts are refreshed then, from its chats').
		await ctx.progress.publish(false);
		if (outcome.last) return;
		page++;
	}
}

/** A chunk of pages of several chats: their messages, then each page's cursor and counts, in one transaction. */
async function writeChunk(deps: SyncRunDeps, ctx: RunContext, importer: HistoryImporter, pages: FetchedPage[]): Promise<PageOutcome[]> {
	const chunk = await importer.importPages(
		pages.map((page) => page.records),
		(tx, stored) =>
			recordPages(
				tx,
				ctx,
				pages.map((page, index) => ({
					remoteJid: page.remoteJid,
					nextPage: page.page + 1,
					seen: stored[index].seen,
					imported: stored[index].imported,
					status: page.last ? 'done' : 'pending',
					errors: stored[index].unreadable,
					error: stored[index].unreadable ? `${page.remoteJid}: ${stored[index].unreadable} unreadable message(s) skipped` : null,
				})),
			),
	);
	if (chunk.conversations.length) {
		const events = chunk.conversations.map((conversation) => ({
			type: 'conversation.updated' as const,
			channelId: conversation.channelId,
			conversationId: conversation.id,
			data: { conversation },
			at: Date.now(),
		}));
		await deps.publisher.publish(ctx.workspaceId, events).catch((error: Error) => deps.logger.warn({ err: error.message }, 'history sync: publish failed'));
	}
	return pages.map((page) => ({ last: page.last }));
}

async function withRetries<T>(deps: SyncRunDeps, work: (attempt: number) => Promise<T>): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await work(attempt);
		} catch (error) {
			if (attempt >= PAGE_ATTEMPTS || deps.stopping()) throw error;
			await new Promise((resolve) => setTimeout(resolve, (deps.retryDelayMs ?? 1000) * attempt));
		}
	}
}

interface PageRecord {
	remoteJid: string;
	nextPage: number;
	seen: number;
	imported: number;
	status: 'pending' | 'done' | 'failed';
	errors: number;
	error: string | null;
}

/**
 * Stores pages' results on their chats (the cursors and the counts) in one statement, and notes a cancel. The run's
 * row is only written when a page had errors (rare): the run's counts are its chats' sums (refreshSyncRun), so
 * chunks never wait for each other's commits on the run's row.
 */
async function recordPages(db: Queryable, ctx: RunContext, pages: PageRecord[]): Promise<void> {
	const column = <T>(pick: (page: PageRecord) => T) => pages.map(pick);
	const errors = pages.reduce((sum, page) => sum + page.errors, 0);
	const lastError = pages.find((page) => page.error)?.error ?? null;
	const { rows } = await db.query<{ cancelRequested: boolean }>(
		`WITH chat AS (
			UPDATE whatsapp_sync_chats c SET next_page = v.next_page, messages_seen = c.messages_seen + v.seen, messages_imported = c.messages_imported + v.imported,
				status = v.status, error = COALESCE(v.error, c.error), updated_at = now()
			FROM unnest($3::text[], $4::int[], $5::int[], $6::int[], $7::text[], $8::text[]) AS v(jid, next_page, seen, imported, status, error)
			WHERE c.run_id = $2 AND c.remote_jid = v.jid RETURNING 1
		 ),
		 failure AS (
			UPDATE whatsapp_sync_runs SET errors = errors + $9::int, last_error = COALESCE($10::text, last_error), updated_at = now()
			WHERE workspace_id = $1 AND id = $2 AND ($9::int > 0 OR $10::text IS NOT NULL) RETURNING 1
		 )
		 SELECT cancel_requested AS "cancelRequested" FROM whatsapp_sync_runs WHERE workspace_id = $1 AND id = $2`,
		[
			ctx.workspaceId,
			ctx.runId,
			column((p) => p.remoteJid),
			column((p) => p.nextPage),
			column((p) => p.seen),
			column((p) => p.imported),
			column((p) => p.status),
			column((p) => p.error),
			errors,
			lastError,
		],
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
