import type { Caller } from '../../auth/caller';
import type { Db } from '../../db/db';
import { inboxEvent, type InboxEvent } from '../../realtime/inbox-events';
import { notFound } from '../api/api-error';

/**
 * The attendant has read the conversation: unread back to zero and agent_last_seen_at now, plus the bell's
 * notifications about it. Nothing is sent to WhatsApp: the contact's blue ticks are a separate, explicit action
 * (read-receipt.ts), so an attendant can look without telling the customer.
 */
export async function markConversationRead(
	db: Db,
	caller: Caller,
	conversationId: string,
): Promise<{ unreadCount: number; agentLastSeenAt: string; events: InboxEvent[] }> {
	const { rows } = await db.query<{ channelId: string; previous: number; agentLastSeenAt: string }>(
		`UPDATE whatsapp_conversations c SET unread_count = 0, agent_last_seen_at = now()
		 FROM (SELECT id, unread_count FROM whatsapp_conversations WHERE workspace_id = $1 AND id = $2) before
		 WHERE c.workspace_id = $1 AND c.id = before.id
		 RETURNING c.channel_id AS "channelId", before.unread_count AS previous, c.agent_last_seen_at AS "agentLastSeenAt"`,
		[caller.workspaceId, conversationId],
	);
	const row = rows[0];
	if (!row) throw notFound('Conversation');
	if (caller.userId) {
		await db.query(
			'UPDATE inbox_notifications SET read_at = now() WHERE workspace_id = $1 AND user_id = $2 AND conversation_id = $3 AND read_at IS NULL',
			[caller.workspaceId, caller.userId, conversationId],
		);
	}
	const events =
		row.previous === 0
			? []
			: [
					inboxEvent('conversation.unread_count_changed', {
						conversationId,
						channelId: row.channelId,
						data: { conversationId, unreadCount: 0, previousUnreadCount: row.previous, readByUserId: caller.userId },
					}),
				];
	return { unreadCount: 0, agentLastSeenAt: new Date(row.agentLastSeenAt).toISOString(), events };
}
