import type { Caller } from '../../auth/caller';
import type { Db } from '../../db/db';
import { inboxEvent, type InboxEvent } from '../../realtime/inbox-events';
import { notFound } from '../api/api-error';

/**
 * "Mark as unread" (WhatsApp Web's, for the team): a conversation already read shows its unread badge again (1),
 * so it stays on someone's list; one with unread messages keeps their count. Nothing is sent to WhatsApp.
 */
export async function markConversationUnread(db: Db, caller: Caller, conversationId: string): Promise<{ unreadCount: number; events: InboxEvent[] }> {
	const { rows } = await db.query<{ channelId: string; previous: number; unreadCount: number }>(
		`UPDATE whatsapp_conversations c SET unread_count = greatest(c.unread_count, 1)
		 FROM (SELECT id, unread_count FROM whatsapp_conversations WHERE workspace_id = $1 AND id = $2) before
		 WHERE c.workspace_id = $1 AND c.id = before.id
		 RETURNING c.channel_id AS "channelId", before.unread_count AS previous, c.unread_count AS "unreadCount"`,
		[caller.workspaceId, conversationId],
	);
	const row = rows[0];
	if (!row) throw notFound('Conversation');
	const events =
		row.previous === row.unreadCount
			? []
			: [
					inboxEvent('conversation.unread_count_changed', {
						conversationId,
						channelId: row.channelId,
						data: { conversationId, unreadCount: row.unreadCount, previousUnreadCount: row.previous, markedUnreadByUserId: caller.userId },
					}),
				];
	return { unreadCount: row.unreadCount, events };
}
