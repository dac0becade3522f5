import type { z } from 'zod/v4';
import type { Queryable } from '../../db/db';
import { isoTimestamp } from '../api/iso-timestamp';
import { ViewFields } from '../api/view-fields';
import type { threadMessageSchema } from './message-view-schema';

/** A message as a thread shows it, with the reactions people left on it; its fields are documented in message-view-schema.ts. */
export type ThreadMessage = z.infer<typeof threadMessageSchema>;

/** The view's fields: [name in the answer, SQL over messages `m`]. */
const MESSAGE_VIEW = new ViewFields<ThreadMessage>([
	['id', 'm.id'],
	['conversationId', 'm.conversation_id'],
	['channelId', 'm.channel_id'],
	['waMessageId', 'm.wa_message_id'],
	['clientMessageId', 'm.client_message_id'],
	['direction', 'm.direction'],
	['fromMe', 'm.from_me'],
	['type', 'm.type'],
	['body', 'm.body'],
	// Never the storage key: where the bytes sit is the server's business; the page and n8n fetch them by media.id.
	[
		'media',
		`CASE WHEN m.media_url IS NULL AND m.media_storage_key IS NULL AND m.media_id IS NULL THEN NULL ELSE json_build_object('id', m.media_id, 'url', m.media_url,
		'mimeType', m.media_mime_type, 'fileName', m.media_file_name, 'sizeBytes', m.media_size_bytes, 'durationSeconds', m.media_duration_seconds) END`,
	],
	['details', 'm.details'],
	['quotedWaMessageId', 'm.quoted_wa_message_id'],
	['reactionTargetWaMessageId', 'm.reaction_target_wa_message_id'],
	['senderJid', 'm.sender_jid'],
	['senderName', 'm.sender_name'],
	['status', 'm.status'],
	['error', 'm.error'],
	['errorCode', 'm.error_code'],
	['origin', 'm.origin'],
	['attempts', 'm.attempts'],
	['paced', 'm.paced'],
	['expectedSendAt', isoTimestamp('m.expected_send_at')],
	['nextAttemptAt', isoTimestamp('m.next_attempt_at')],
	['sentByUserId', 'm.sent_by_user_id'],
	['sentByAi', 'm.sent_by_ai'],
	['transcript', 'm.transcript'],
	['isEdited', 'm.is_edited'],
	['editedAt', isoTimestamp('m.edited_at')],
	['isDeleted', 'm.is_deleted'],
	['deletedAt', isoTimestamp('m.deleted_at')],
	['waTimestamp', isoTimestamp('m.wa_timestamp')],
	['threadAt', isoTimestamp('m.thread_at')],
	['createdAt', isoTimestamp('m.created_at')],
	[
		'reactions',
		`CASE WHEN m.wa_message_id IS NULL THEN '[]'::json ELSE coalesce((
		SELECT json_agg(json_build_object('emoji', r.emoji, 'reactorJid', r.reactor_jid, 'fromMe', r.from_me) ORDER BY r.reacted_at)
		FROM whatsapp_message_reactions r
		WHERE r.workspace_id = m.workspace_id AND r.channel_id = m.channel_id AND r.target_wa_message_id = m.wa_message_id AND r.emoji <> ''), '[]'::json) END`,
	],
]);

/** The view's select list; with a prefix, every name starts with it (for a statement that returns other columns too). */
export const messageColumns = (prefix = ''): string => MESSAGE_VIEW.columns(prefix);

/** The view in a row selected with messageColumns(prefix), or undefined when its columns are null. */
export const messageFromRow = (row: Record<string, unknown>, prefix: string): ThreadMessage | undefined => MESSAGE_VIEW.fromRow(row, prefix);

export const MESSAGE_COLUMNS = MESSAGE_VIEW.columns();

export async function findMessage(db: Queryable, workspaceId: string, messageId: string): Promise<ThreadMessage | undefined> {
	const { rows } = await db.query<ThreadMessage>(`SELECT ${MESSAGE_COLUMNS} FROM whatsapp_messages m WHERE m.workspace_id = $1 AND m.id = $2`, [
		workspaceId,
		messageId,
	]);
	return rows[0];
}
