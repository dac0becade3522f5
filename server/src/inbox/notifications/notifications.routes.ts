import { z } from 'zod/v4';
import { forbidden } from '../api/api-error';
import type { ApiRouter } from '../api/api-router';
import type { InboxApiDeps } from '../inbox-deps';
import { listNotifications, markNotificationsRead, notificationSchema } from './notifications';

/** The bell: the signed-in attendant's own notifications (API tokens have none). */
export function registerNotificationRoutes(api: ApiRouter, deps: InboxApiDeps): void {
	const { db } = deps;

	api.add({
		method: 'GET',
		url: '/api/v1/notifications',
		summary: "The attendant's notifications, newest first, with the unread count",
		tag: 'notifications',
		access: 'member',
		query: z.object({
			unread: z.enum(['true', 'false']).optional(),
			cursor: z.string().max(200).optional(),
			limit: z.coerce.number().int().min(1).max(100).default(25),
		}),
		response: z.object({
			data: z.array(notificationSchema),
			meta: z.object({ nextCursor: z.string().nullable(), unreadCount: z.number().int().describe('All unread, not only this page') }),
		}),
		handler: async ({ caller, query }) => {
			if (!caller.userId) throw forbidden('Notifications belong to attendants; API tokens have none.');
			const page = await listNotifications(db, caller.workspaceId, caller.userId, { unreadOnly: query.unread === 'true', limit: query.limit, cursor: query.cursor });
			return { data: page.items, meta: { nextCursor: page.nextCursor, unreadCount: page.unreadCount } };
		},
	});

	api.add({
		method: 'POST',
		url: '/api/v1/notifications/read',
		summary: 'Mark notifications read (the given ids, or all)',
		tag: 'notifications',
		access: 'member',
		body: z.object({ ids: z.array(z.uuid()).max(500).optional() }),
		response: z.object({ marked: z.number().int().describe('How many were unread and are now read') }),
		handler: async ({ caller, body }) => {
			if (!caller.userId) throw forbidden('Notifications belong to attendants; API tokens have none.');
			return { marked: await markNotificationsRead(db, caller.workspaceId, caller.userId, body.ids) };
		},
	});
}
