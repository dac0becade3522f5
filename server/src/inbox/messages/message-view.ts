import type { Queryable } from '../../db/db';

/** A message as a thread shows it, with the reactions people left on it. */
export interface ThreadMessage {
	id: string;
	conversationId: string;
	channelId: string;
	waMessageId: string | null;
	clientMessageId: string | null;
	direction: 'inbound' | 'outbound' | 'internal';
	fromMe: boolean;
	type: string;
	body: string | null;
	media: { url: string | null; storageKey: string | null; mimeType: string | null; fileName: string | null; sizeBytes: number | null; durationSeconds: number | null } | null;
	details: Record<string, unknown> | null;
	quotedWaMessageId: string | null;
	reactionTargetWaMessageId: string | null;
	senderJid: string | null;
	senderName: string | null;
	status: string;
	error: string | null;
	sentByUserId: string | null;
	isEdited: boolean;
	editedAt: string | null;
	isDeleted: boolean;
	deletedAt: string | null;
	waTimestamp: string | null;
	threadAt: string;
	createdAt: string;
	reactions: Array<{ emoji: string; reactorJid: string; fromMe: boolean }>;
}

export const MESSAGE_COLUMNS = `m.id, m.conversation_id AS "conversationId", m.channel_id AS "channelId", m.wa_message_id AS "waMessageId",
	m.client_message_id AS "clientMessageId", m.direction, m.from_me AS "fromMe", m.type, m.body,
	CASE WHEN m.media_url IS NULL AND m.media_storage_key IS NULL THEN NULL ELSE json_build_object('url', m.media_url,
		'storageKey', m.media_storage_key, 'mimeType', m.media_mime_type, 'fileName', m.media_file_name, 'sizeBytes', m.media_size_bytes,
		'durationSeconds', m.media_duration_seconds) END AS media,
	m.details, m.quoted_wa_message_id AS "quotedWaMessageId", m.reaction_target_wa_message_id AS "reactionTargetWaMessageId",
	m.sender_jid AS "senderJid", m.sender_name AS "senderName", m.status, m.error, m.sent_by_user_id AS "sentByUserId",
	m.is_edited AS "isEdited", m.edited_at AS "editedAt", m.is_deleted AS "isDeleted", m.deleted_at AS "deletedAt",
	m.wa_timestamp AS "waTimestamp", m.thread_at AS "threadAt", m.created_at AS "createdAt",
	CASE WHEN m.wa_message_id IS NULL THEN '[]'::json ELSE coalesce((
		SELECT json_agg(json_build_object('emoji', r.emoji, 'reactorJid', r.reactor_jid, 'fromMe', r.from_me) ORDER BY r.reacted_at)
		FROM whatsapp_message_reactions r
		WHERE r.workspace_id = m.workspace_id AND r.channel_id = m.channel_id AND r.target_wa_message_id = m.wa_message_id), '[]'::json) END AS reactions`;

export async function findMessage(db: Queryable, workspaceId: string, messageId: string): Promise<ThreadMessage | undefined> {
	const { rows } = await db.query<ThreadMessage>(`SELECT ${MESSAGE_COLUMNS} FROM whatsapp_messages m WHERE m.workspace_id = $1 AND m.id = $2`, [
		workspaceId,
		messageId,
	]);
	return rows[0];
}
