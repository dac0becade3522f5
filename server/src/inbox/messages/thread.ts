import type { Queryable } from '../../db/db';
import { cursorKeySql, decodeCursor, encodeCursor, withoutSortKey } from '../api/cursor';
import { MESSAGE_COLUMNS, type ThreadMessage } from './message-view';

export interface ThreadPage {
	/** Oldest first, newest last, as a chat reads. */
	items: ThreadMessage[];
	/** Pass as `before` for the older page; null at the start of the conversation. */
	nextCursor: string | null;
}

/**
 * A page of a conversation's messages ending at `before` (or at the newest), keyset-paginated backwards. Reactions are
 * shown on their message (its `reactions`), not as rows: ingest no longer stores them as messages, and rows stored
 * as messages by older versions are skipped here.
 */
export async function listThread(
	db: Queryable,
	workspaceId: string,
	conversationId: string,
	options: { before?: string; limit: number },
): Promise<ThreadPage> {
	const params: unknown[] = [workspaceId, conversationId, options.limit + 1];
	let keyset = '';
	if (options.before) {
		const before = decodeCursor(options.before);
		params.push(before.at, before.id, before.seq ?? null);
		// A cursor given out before thread_seq existed has no seq: the message it names has it.
		keyset = `AND (m.thread_at, m.thread_seq, m.id) < ($4::timestamptz,
			coalesce($6::bigint, (SELECT s.thread_seq FROM whatsapp_messages s WHERE s.workspace_id = $1 AND s.id = $5::uuid), 0), $5::uuid)`;
	}
	const { rows } = await db.query<ThreadMessage & { sortKey: string; sortSeq: string }>(
		`SELECT ${MESSAGE_COLUMNS}, ${cursorKeySql('m.thread_at')} AS "sortKey", m.thread_seq::text AS "sortSeq" FROM whatsapp_messages m
		 WHERE m.workspace_id = $1 AND m.conversation_id = $2 AND m.type <> 'reaction' ${keyset}
		 ORDER BY m.thread_at DESC, m.thread_seq DESC, m.id DESC LIMIT $3`,
		params,
	);
	const page = rows.slice(0, options.limit);
	const oldest = page[page.length - 1];
	return {
		items: page.reverse().map(withoutSortColumns),
		nextCursor: rows.length > options.limit && oldest ? encodeCursor(oldest.sortKey, oldest.id, oldest.sortSeq) : null,
	};
}

/** Drops the two helper columns the page query selected for the cursor. */
function withoutSortColumns(row: ThreadMessage & { sortKey: string; sortSeq: string }): ThreadMessage {
	const { sortSeq, ...rest } = row;
	void sortSeq;
	return withoutSortKey(rest);
}
