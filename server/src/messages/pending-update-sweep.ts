import type { Queryable } from '../db/db';
import { MESSAGE_COLUMNS, type ThreadMessage } from '../inbox/messages/message-view';
import { DELETED_MESSAGE_PREVIEW } from './message-preview';
import { statusAdvanceSet } from './message-status-columns';

/** How long an ack / edit / delete waits for a message that never comes (sent from the phone before the channel existed…). */
export const PENDING_UPDATE_RETENTION = "interval '7 days'";

/**
 * Applies the acks, edits and deletes still waiting for a message that is stored by now, and forgets those too old to
 * ever find theirs. A message's insert folds in the waiting updates it sees; one that committed while the message was
 * being inserted by another server process is only seen afterwards, here. Returns the messages it changed.
 */
export async function settlePendingUpdates(db: Queryable): Promise<{
	messages: Array<ThreadMessage & { workspaceId: string }>;
	/** Conversations whose preview showed a message this sweep deleted: they now show the "deleted" line instead. */
	previewsChanged: Array<{ workspaceId: string; conversationId: string }>;
}> {
	const { rows } = await db.query<ThreadMessage & { workspaceId: string }>(
		`WITH stale AS (
			DELETE FROM whatsapp_pending_message_updates
			WHERE workspace_id IN (SELECT id FROM workspaces) AND received_at < now() - ${PENDING_UPDATE_RETENTION}
		 ),
		 due AS (
			DELETE FROM whatsapp_pending_message_updates p USING whatsapp_messages m
			WHERE p.workspace_id IN (SELECT id FROM workspaces)
				AND m.workspace_id = p.workspace_id AND m.channel_id = p.channel_id AND m.wa_message_id = p.wa_message_id
			RETURNING p.*
		 )
		 UPDATE whatsapp_messages AS m SET ${statusAdvanceSet('m', 'COALESCE(d.status, m.status)', { guarded: true })},
			body = CASE WHEN d.edited_body IS NOT NULL AND (m.edited_at IS NULL OR m.edited_at <= d.edited_at) THEN d.edited_body ELSE m.body END,
			is_edited = m.is_edited OR (d.edited_body IS NOT NULL AND (m.edited_at IS NULL OR m.edited_at <= d.edited_at)),
			edited_at = CASE WHEN d.edited_body IS NOT NULL AND (m.edited_at IS NULL OR m.edited_at <= d.edited_at) THEN COALESCE(d.edited_at, now()) ELSE m.edited_at END,
			is_deleted = m.is_deleted OR d.deleted_at IS NOT NULL,
			deleted_at = COALESCE(m.deleted_at, d.deleted_at)
		 FROM due d WHERE m.workspace_id = d.workspace_id AND m.channel_id = d.channel_id AND m.wa_message_id = d.wa_message_id
		 RETURNING ${MESSAGE_COLUMNS}, m.workspace_id AS "workspaceId"`,
	);
	const deleted = rows.filter((m) => m.isDeleted);
	if (!deleted.length) return { messages: rows, previewsChanged: [] };
	// As applyDelete does for a delete that finds its message: the preview stops showing the text taken back.
	const previews = await db.query<{ workspaceId: string; conversationId: string }>(
		`UPDATE whatsapp_conversations c SET last_message_preview = $3, updated_at = now()
		 FROM whatsapp_messages m
		 WHERE m.workspace_id = ANY($1::uuid[]) AND m.id = ANY($2::uuid[]) AND c.workspace_id = m.workspace_id AND c.id = m.conversation_id
			AND m.type <> 'reaction' AND (c.last_message_at IS NULL OR m.wa_timestamp IS NULL OR c.last_message_at <= m.wa_timestamp)
			AND c.last_message_preview IS DISTINCT FROM $3
		 RETURNING c.workspace_id AS "workspaceId", c.id AS "conversationId"`,
		[[...new Set(deleted.map((m) => m.workspaceId))], deleted.map((m) => m.id), DELETED_MESSAGE_PREVIEW],
	);
	return { messages: rows, previewsChanged: previews.rows };
}
