import { api, unwrap } from '../../lib/api-client';
import type { ConversationPage } from '../../lib/api-types';

/** One of the attendant's notifications (server/src/inbox/notifications/notifications.ts). */
export interface InboxNotification {
	id: string;
	conversationId: string | null;
	kind: 'conversation_assigned' | 'message_received' | 'ai_handed_off';
	/** The server's sentence, in English; the page shows its own words for the kind and the body below. */
	title: string;
	body: string | null;
	readAt: string | null;
	createdAt: string;
}

export interface NotificationPage {
	data: InboxNotification[];
	meta: { nextCursor: string | null; unreadCount: number };
}

/** Notifications are refetched on notification.* events (app/realtime-context.tsx). */
export const NOTIFICATIONS_KEY = ['notifications'];
/** Under ['conversations']: every conversation event refreshes it with the lists. */
export const UNASSIGNED_UNREAD_KEY = ['conversations', 'bell', 'unassigned'];

export const listNotifications = () => unwrap<NotificationPage>(api.GET('/api/v1/notifications', { params: { query: { unread: 'true', limit: 25 } } }));

export const markNotificationsRead = (ids?: string[]) => unwrap<{ marked: number }>(api.POST('/api/v1/notifications/read', { body: ids ? { ids } : {} }));

/** Conversations nobody has taken that hold unread customer messages (the newest 50 active ones are looked at). */
export const listUnassignedUnread = async () => {
	const page = await unwrap<ConversationPage>(api.GET('/api/v1/conversations', { params: { query: { assignee: 'unassigned', status: 'active', limit: 50 } } }));
	return page.data.filter((conversation) => conversation.unreadCount > 0);
};
