import type { Caller } from '../../auth/caller';
import type { Db } from '../../db/db';
import { inboxEvent, type InboxEvent } from '../../realtime/inbox-events';
import { notFound } from '../api/api-error';
import { type ConversationSummary, findConversation } from '../conversations/conversation-view';
import { insertInternalMessage } from './internal-message';
import type { ThreadMessage } from './message-view';

/** A private note: stored in the thread for the team, never sent to the contact (direction 'internal'). */
export async function addPrivateNote(
	db: Db,
	caller: Caller,
	conversationId: string,
	body: string,
): Promise<{ message: ThreadMessage; events: InboxEvent[] }> {
	const conversation: ConversationSummary | undefined = await findConversation(db, caller.workspaceId, conversationId);
	if (!conversation) throw notFound('Conversation');
	const message = await insertInternalMessage(
		db,
		{ workspaceId: caller.workspaceId, id: conversationId, channelId: conversation.channelId },
		{ type: 'note', body, userId: caller.userId },
	);
	return {
		message,
		events: [inboxEvent('message.created', { conversationId, channelId: conversation.channelId, data: { message } })],
	};
}
