import type { Queryable } from '../db/db';

export type ChannelLogKind = 'state' | 'step' | 'alert' | 'error';

export interface ChannelLogEntry {
	id: string;
	kind: ChannelLogKind;
	status: string | null;
	reason: string | null;
	message: string;
	details: Record<string, unknown> | null;
	createdAt: string;
}

export interface NewChannelLogEntry {
	kind: ChannelLogKind;
	status?: string | null;
	reason?: string | null;
	message: string;
	/** Never secrets: tokens, keys and webhook headers stay out of the log. */
	details?: Record<string, unknown>;
}

const VIEW = `id::text AS id, kind, status, reason, message, details, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt"`;

/** Appends one line to the channel's log (in the caller's transaction when given one) and answers it as the API shows it. */
export async function appendChannelLog(db: Queryable, workspaceId: string, channelId: string, entry: NewChannelLogEntry): Promise<ChannelLogEntry> {
	const { rows } = await db.query<ChannelLogEntry>(
		`INSERT INTO channel_log (workspace_id, channel_id, kind, status, reason, message, details) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) RETURNING ${VIEW}`,
		[workspaceId, channelId, entry.kind, entry.status ?? null, entry.reason ?? null, entry.message, entry.details ? JSON.stringify(entry.details) : null],
	);
	return rows[0];
}

/**
 * Newest first, `limit` per page; `before` is the id of the last entry of the previous page. The order names the table's
 * column: a bare `id` in ORDER BY is the output column, the id as text, which put "9" after "10" and made the pages
 * overlap (the WHERE compares the numbers).
 */
export async function listChannelLog(
	db: Queryable,
	workspaceId: string,
	channelId: string,
	page: { limit: number; before?: string },
): Promise<{ data: ChannelLogEntry[]; nextCursor: string | null }> {
	const { rows } = await db.query<ChannelLogEntry>(
		`SELECT ${VIEW} FROM channel_log WHERE workspace_id = $1 AND channel_id = $2 AND ($3::bigint IS NULL OR id < $3::bigint) ORDER BY channel_log.id DESC LIMIT $4`,
		[workspaceId, channelId, page.before ?? null, page.limit + 1],
	);
	const more = rows.length > page.limit;
	const data = more ? rows.slice(0, page.limit) : rows;
	return { data, nextCursor: more ? data[data.length - 1].id : null };
}
