import type { Queryable } from '../../db/db';
import { MESSAGE_COLUMNS, type ThreadMessage } from './message-view';

/**
 * Lines only attendants see: private notes and system lines (assignment, transfer, status). direction 'internal'
 * is what keeps them out of every send path; the outbox never picks them up.
 */
export async function insertInternalMessage(
	db: Queryable,
	conversation: { workspaceId: string; id: string; channelId: string },
	input: { type: 'note' | 'system'; body: string; userId: string | null; details?: Record<string, unknown> },
): Promise<ThreadMessage> {
	const { rows } = await db.query<{ id: string }>(
		`INSERT INTO whatsapp_messages (workspace_id, channel_id, conversation_id, direction, from_me, type, body, status, sent_by_user_id, details)
		 VALUES ($1, $2, $3, 'internal', false, $4, $5, 'sent', $6, $7) RETURNING id`,
		[conversation.workspaceId, conversation.channelId, conversation.id, input.type, input.body, input.userId, input.details ? JSON.stringify(input.details) : null],
	);
	const message = await db.query<ThreadMessage>(`SELECT ${MESSAGE_COLUMNS} FROM whatsapp_messages m WHERE m.workspace_id = $1 AND m.id = $2`, [
		conversation.workspaceId,
		rows[0].id,
	]);
	return message.rows[0];
}
