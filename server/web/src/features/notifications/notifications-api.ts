import { api, type ApiAnswer, unwrap } from '../../lib/api-client';

/** The bell's page of notifications as the server answers it (from the OpenAPI document). */
export type NotificationPage = ApiAnswer<'/api/v1/notifications', 'get'>;

/**
 * One of the attendant's notifications. Its title is the server's sentence, in English; the page shows its own words
 * for the kind and the body below.
 */
export type InboxNotification = NotificationPage['data'][number];

/** Notifications are refetched on notification.* events (app/realtime-context.tsx). */
export const NOTIFICATIONS_KEY = ['notifications'];
/** Under ['conversations']: every conversation event refreshes it with the lists. */
export const UNASSIGNED_UNREAD_KEY = ['conversations', 'bell', 'unassigned'];

export const listNotifications = () => unwrap(api.GET('/api/v1/notifications', { params: { query: { unread: 'true', limit: 25 } } }));

export const markNotificationsRead = (ids?: string[]) => unwrap(api.POST('/api/v1/notifications/read', { body: ids ? { ids } : {} }));

/** Conversations nobody has taken that hold unread customer messages (the newest 50 active ones are looked at). */
export const listUnassignedUnread = async () => {
	const page = await unwrap(api.GET('/api/v1/conversations', { params: { query: { assignee: 'unassigned', status: 'active', limit: 50 } } }));
	return page.data.filter((conversation) => conversation.unreadCount > 0);
};
