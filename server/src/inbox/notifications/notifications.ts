import { z } from 'zod/v4';
import type { Queryable } from '../../db/db';
import { cursorKeySql, decodeCursor, encodeCursor, withoutSortKey } from '../api/cursor';

/**
 * One of an attendant's notifications (the bell), as the API answers it; the schema documents it in OpenAPI, from
 * which the web app's types are generated.
 */
export const notificationSchema = z.object({
	id: z.uuid(),
	userId: z.uuid().describe('The attendant it is for'),
	conversationId: z.uuid().nullable(),
	kind: z.enum(['conversation_assigned', 'message_received', 'ai_handed_off']),
	title: z.string().describe('A sentence in English; pages show their own words for the kind'),
	body: z.string().nullable(),
	readAt: z.string().nullable(),
	createdAt: z.string(),
});
export type InboxNotification = z.infer<typeof notificationSchema>;

const COLUMNS = `id, user_id AS "userId", conversation_id AS "conversationId", kind, title, body, read_at AS "readAt", created_at AS "createdAt"`;

export async function createNotification(
	db: Queryable,
	workspaceId: string,
	input: { userId: string; conversationId: string | null; kind: InboxNotification['kind']; title: string; body?: string | null },
): Promise<InboxNotification> {
	const { rows } = await db.query<InboxNotification>(
		`INSERT INTO inbox_notifications (workspace_id, user_id, conversation_id, kind, title, body)
		 VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
		[workspaceId, input.userId, input.conversationId, input.kind, input.title.slice(0, 200), input.body?.slice(0, 500) ?? null],
	);
	return rows[0];
}

export async function countUnreadNotifications(db: Queryable, workspaceId: string, userId: string): Promise<number> {
	const { rows } = await db.query<{ n: number }>(
		'SELECT count(*)::int AS n FROM inbox_notifications WHERE workspace_id = $1 AND user_id = $2 AND read_at IS NULL',
		[workspaceId, userId],
	);
	return rows[0].n;
}

/** The bell's list, newest first, keyset-paginated. */
export async function listNotifications(
	db: Queryable,
	workspaceId: string,
	userId: string,
	options: { unreadOnly: boolean; limit: number; cursor?: string },
): Promise<{ items: InboxNotification[]; nextCursor: string | null; unreadCount: number }> {
	const after = options.cursor ? decodeCursor(options.cursor) : undefined;
	const params: unknown[] = [workspaceId, userId, options.limit + 1];
	let where = 'workspace_id = $1 AND user_id = $2';
	if (options.unreadOnly) where += ' AND read_at IS NULL';
	if (after) {
		params.push(after.at, after.id);
		where += ' AND (created_at, id) < ($4::timestamptz, $5::uuid)';
	}
	const { rows } = await db.query<InboxNotification & { sortKey: string }>(
		`SELECT ${COLUMNS}, ${cursorKeySql('created_at')} AS "sortKey" FROM inbox_notifications WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT $3`,
		params,
	);
	const page = rows.slice(0, options.limit);
	const last = page[page.length - 1];
	const items = page.map(withoutSortKey);
	return {
		items,
		nextCursor: rows.length > options.limit && last ? encodeCursor(last.sortKey, last.id) : null,
		unreadCount: await countUnreadNotifications(db, workspaceId, userId),
	};
}

/** Marks the given notifications (or all when ids is undefined) read; returns how many changed. */
export async function markNotificationsRead(db: Queryable, workspaceId: string, userId: string, ids?: string[]): Promise<number> {
	const { rowCount } = await db.query(
		`UPDATE inbox_notifications SET read_at = now()
		 WHERE workspace_id = $1 AND user_id = $2 AND read_at IS NULL AND ($3::uuid[] IS NULL OR id = ANY($3::uuid[]))`,
		[workspaceId, userId, ids ?? null],
	);
	return rowCount;
}
