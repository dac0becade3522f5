import { z } from 'zod/v4';
import type { Queryable } from '../db/db';

export const SYNC_RUN_STATUSES = ['queued', 'running', 'completed', 'cancelled', 'failed'] as const;
export type SyncRunStatus = (typeof SYNC_RUN_STATUSES)[number];
export const ACTIVE_SYNC_STATUSES: SyncRunStatus[] = ['queued', 'running'];

/**
 * A run as the API answers it and `sync.progress` carries it. The schema documents the answers in OpenAPI, from which
 * the web app's types are generated, so the page reads the same shape the server writes.
 */
export const syncRunSchema = z.object({
	id: z.uuid(),
	channelId: z.uuid(),
	status: z.enum(SYNC_RUN_STATUSES),
	trigger: z.enum(['manual', 'first_connect']),
	days: z.number().int(),
	windowStart: z.string().describe('ISO 8601: the oldest moment imported'),
	windowEnd: z.string().describe('ISO 8601: when the run was asked for'),
	chats: z.array(z.string()).nullable().describe('Only these chats; null: every chat'),
	chatsTotal: z.number().int(),
	chatsDone: z.number().int(),
	messagesImported: z.number().int(),
	messagesSeen: z.number().int(),
	errors: z.number().int(),
	lastError: z.string().nullable(),
	cancelRequested: z.boolean(),
	createdAt: z.string(),
	startedAt: z.string().nullable(),
	finishedAt: z.string().nullable(),
});
export type SyncRunView = z.infer<typeof syncRunSchema>;

const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export const SYNC_RUN_COLUMNS = `r.id, r.channel_id AS "channelId", r.status, r.trigger, r.days, ${iso('r.window_start')} AS "windowStart", ${iso('r.window_end')} AS "windowEnd",
	r.chat_filter AS chats, r.chats_total AS "chatsTotal", r.chats_done AS "chatsDone", r.messages_imported AS "messagesImported",
	r.messages_seen AS "messagesSeen", r.errors, r.last_error AS "lastError", r.cancel_requested AS "cancelRequested",
	${iso('r.created_at')} AS "createdAt", ${iso('r.started_at')} AS "startedAt", ${iso('r.finished_at')} AS "finishedAt"`;

export async function readSyncRun(db: Queryable, workspaceId: string, runId: string): Promise<SyncRunView | undefined> {
	const { rows } = await db.query<SyncRunView>(`SELECT ${SYNC_RUN_COLUMNS} FROM whatsapp_sync_runs r WHERE r.workspace_id = $1 AND r.id = $2`, [workspaceId, runId]);
	return rows[0];
}

export async function listSyncRuns(db: Queryable, workspaceId: string, channelId: string, limit: number): Promise<SyncRunView[]> {
	const { rows } = await db.query<SyncRunView>(
		`SELECT ${SYNC_RUN_COLUMNS} FROM whatsapp_sync_runs r WHERE r.workspace_id = $1 AND r.channel_id = $2 ORDER BY r.created_at DESC, r.id DESC LIMIT $3`,
		[workspaceId, channelId, limit],
	);
	return rows;
}

/**
 * Brings a run's counters up to date from its chats, and answers it; with `end`, also ends it (when it is still
 * queued or running), in the same statement: an ended run never shows counts older than its end. The pages'
 * transactions write only their own chat's row (its cursor and counts): the run's row, shared by every page of the
 * run, would make each page wait for the one before it to commit. So the run's counts are the sums of its chats',
 * taken here (by the progress publisher about every 250 ms, and when the run stops or ends), and exact again after
 * any restart.
 */
export async function refreshSyncRun(db: Queryable, workspaceId: string, runId: string, end?: 'completed' | 'cancelled' | 'failed'): Promise<SyncRunView | undefined> {
	const { rows } = await db.query<SyncRunView>(
		`UPDATE whatsapp_sync_runs r SET messages_seen = s.seen, messages_imported = s.imported, chats_done = s.done, updated_at = now(),
			status = CASE WHEN $3::text IS NOT NULL AND r.status IN ('queued', 'running') THEN $3::text ELSE r.status END,
			finished_at = CASE WHEN $3::text IS NOT NULL AND r.status IN ('queued', 'running') THEN now() ELSE r.finished_at END
		 FROM (
			SELECT coalesce(sum(messages_seen), 0) AS seen, coalesce(sum(messages_imported), 0) AS imported,
				count(*) FILTER (WHERE status IN ('done', 'failed')) AS done
			FROM whatsapp_sync_chats WHERE workspace_id = $1 AND run_id = $2
		 ) s
		 WHERE r.workspace_id = $1 AND r.id = $2 RETURNING ${SYNC_RUN_COLUMNS}`,
		[workspaceId, runId, end ?? null],
	);
	return rows[0];
}

/** Creates a queued run; undefined when the channel already has one queued or running (the unique index decides). */
export async function insertSyncRun(
	db: Queryable,
	run: { workspaceId: string; channelId: string; days: number; chats?: string[]; trigger: 'manual' | 'first_connect'; requestedBy?: string },
): Promise<SyncRunView | undefined> {
	const { rows } = await db.query<{ id: string }>(
		`INSERT INTO whatsapp_sync_runs (workspace_id, channel_id, days, chat_filter, trigger, requested_by, window_start, window_end)
		 VALUES ($1, $2, $3, $4, $5, $6, now() - make_interval(days => $3), now())
		 ON CONFLICT (channel_id) WHERE status IN ('queued', 'running') DO NOTHING RETURNING id`,
		[run.workspaceId, run.channelId, run.days, run.chats?.length ? run.chats : null, run.trigger, run.requestedBy ?? null],
	);
	return rows[0] ? readSyncRun(db, run.workspaceId, rows[0].id) : undefined;
}

export async function activeSyncRun(db: Queryable, workspaceId: string, channelId: string): Promise<SyncRunView | undefined> {
	const { rows } = await db.query<SyncRunView>(
		`SELECT ${SYNC_RUN_COLUMNS} FROM whatsapp_sync_runs r WHERE r.workspace_id = $1 AND r.channel_id = $2 AND r.status IN ('queued', 'running')`,
		[workspaceId, channelId],
	);
	return rows[0];
}

/** Runs a restart interrupted (queued or running): they are picked up again where their chats stopped. */
export async function unfinishedSyncRuns(db: Queryable): Promise<Array<{ workspaceId: string; runId: string }>> {
	const { rows } = await db.query<{ workspaceId: string; runId: string }>(
		`SELECT workspace_id AS "workspaceId", id AS "runId" FROM whatsapp_sync_runs WHERE status IN ('queued', 'running') ORDER BY created_at`,
	);
	return rows;
}
