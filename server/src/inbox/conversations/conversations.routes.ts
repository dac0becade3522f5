import { z } from 'zod/v4';
import { forbidden, notFound } from '../api/api-error';
import type { ApiRouter } from '../api/api-router';
import type { InboxApiDeps } from '../inbox-deps';
import { markConversationRead } from '../messages/mark-read';
import { markConversationUnread } from '../messages/mark-unread';
import { addPrivateNote } from '../messages/private-note';
import { threadMessagePageSchema, threadMessageSchema } from '../messages/message-view-schema';
import { listThread } from '../messages/thread';
import { assignConversation } from './assignment';
import { ASSIGNEE_TABS, listConversations, STATUS_FILTERS, TAB_COUNT_CAP } from './conversation-list';
import { findConversation } from './conversation-view';
import { conversationPageSchema, conversationViewSchema } from './conversation-view-schema';
import { sendReadReceipt } from './read-receipt';
import { changeConversationStatus } from './status-change';

const conversationParams = z.object({ conversationId: z.uuid() });

const listQuery = z.object({
	assignee: z.enum(ASSIGNEE_TABS).default('all').describe('The tab: mine, unassigned or all.'),
	status: z
		.enum(STATUS_FILTERS)
		.default('active')
		.describe('active (default): pending + open, what waits for an answer; or one status; or all.'),
	channelId: z.uuid().optional(),
	q: z.string().trim().min(1).max(100).optional().describe('Search, case-insensitive and anywhere in the text (% and _ are plain characters): the contact\'s name or push name, or the last message. A phone-like search (digits with spaces, +, -, . or brackets) also finds the contact\'s phone by its digits.'),
	unread: z
		.enum(['true', 'false'])
		.optional()
		.describe('true: only conversations with unread messages.'),
	cursor: z.string().max(200).optional().describe('meta.nextCursor of the previous page.'),
	limit: z.coerce.number().int().min(1).max(100).default(25),
});

const threadQuery = z.object({
	before: z.string().max(200).optional().describe('meta.nextCursor of the previous (newer) page: the page of messages before it.'),
	limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** The inbox: the list with its tab counts, one conversation and its thread, and what attendants do to it. */
export function registerConversationRoutes(api: ApiRouter, deps: InboxApiDeps): void {
	const { db, publisher } = deps;

	api.add({
		method: 'GET',
		url: '/api/v1/conversations',
		summary: 'List conversations (tab mine / unassigned / all, status, channel, search), with the tab counts (capped at meta.countCap)',
		tag: 'conversations',
		access: 'member',
		query: listQuery,
		response: conversationPageSchema,
		handler: async ({ caller, query }) => {
			if (query.channelId) {
				const { rows } = await db.query('SELECT 1 FROM whatsapp_channels WHERE workspace_id = $1 AND id = $2', [caller.workspaceId, query.channelId]);
				if (!rows.length) throw notFound('Channel');
			}
			const page = await listConversations(db, caller, {
				assignee: query.assignee,
				status: query.status,
				channelId: query.channelId,
				search: query.q,
				unreadOnly: query.unread === 'true',
				cursor: query.cursor,
				limit: query.limit,
			});
			return { data: page.items, meta: { counts: page.counts, countCap: TAB_COUNT_CAP, nextCursor: page.nextCursor } };
		},
	});

	api.add({
		method: 'GET',
		url: '/api/v1/conversations/:conversationId',
		summary: 'One conversation with its contact',
		tag: 'conversations',
		access: 'member',
		params: conversationParams,
		response: conversationViewSchema,
		handler: async ({ caller, params }) => {
			const conversation = await findConversation(db, caller.workspaceId, params.conversationId);
			if (!conversation) throw notFound('Conversation');
			return conversation;
		},
	});

	api.add({
		method: 'GET',
		url: '/api/v1/conversations/:conversationId/messages',
		summary: 'Messages of a conversation, newest last; page backwards with `before`',
		tag: 'conversations',
		access: 'member',
		params: conversationParams,
		query: threadQuery,
		response: threadMessagePageSchema,
		handler: async ({ caller, params, query }) => {
			if (!(await findConversation(db, caller.workspaceId, params.conversationId))) throw notFound('Conversation');
			const page = await listThread(db, caller.workspaceId, params.conversationId, query);
			return { data: page.items, meta: { nextCursor: page.nextCursor } };
		},
	});

	api.add({
		method: 'POST',
		url: '/api/v1/conversations/:conversationId/assignment',
		summary: 'Assign, transfer (to another attendant) or unassign (assigneeId null); writes a system line',
		tag: 'conversations',
		access: 'member',
		params: conversationParams,
		body: z.object({ assigneeId: z.uuid().nullable(), note: z.string().trim().min(1).max(1000).optional() }),
		response: conversationViewSchema,
		handler: async ({ caller, params, body }) => {
			const result = await assignConversation(db, caller, params.conversationId, body);
			await publisher.publish(caller.workspaceId, result.events);
			return result.conversation;
		},
	});

	api.add({
		method: 'POST',
		url: '/api/v1/conversations/:conversationId/status',
		summary: 'Change the status (open / pending / resolved / snoozed until a date)',
		tag: 'conversations',
		access: 'member',
		params: conversationParams,
		body: z.object({ status: z.enum(['open', 'pending', 'resolved', 'snoozed']), snoozedUntil: z.iso.datetime({ offset: true }).optional() }),
		response: conversationViewSchema,
		handler: async ({ caller, params, body }) => {
			const result = await changeConversationStatus(db, caller, params.conversationId, body);
			await publisher.publish(caller.workspaceId, result.events);
			return result.conversation;
		},
	});

	api.add({
		method: 'POST',
		url: '/api/v1/conversations/:conversationId/notes',
		summary: 'Add a private note (stored for the team, never sent to the contact)',
		tag: 'conversations',
		access: 'member',
		params: conversationParams,
		body: z.object({ body: z.string().trim().min(1).max(10_000) }),
		response: threadMessageSchema,
		successStatus: 201,
		handler: async ({ caller, params, body }) => {
			const result = await addPrivateNote(db, caller, params.conversationId, body.body);
			await publisher.publish(caller.workspaceId, result.events);
			return result.message;
		},
	});

	api.add({
		method: 'POST',
		url: '/api/v1/conversations/:conversationId/read',
		summary: 'Mark read for the attendants (unread to 0); sends nothing to WhatsApp',
		tag: 'conversations',
		access: 'member',
		params: conversationParams,
		handler: async ({ caller, params }) => {
			const result = await markConversationRead(db, caller, params.conversationId);
			await publisher.publish(caller.workspaceId, result.events);
			return { conversationId: params.conversationId, unreadCount: result.unreadCount, agentLastSeenAt: result.agentLastSeenAt };
		},
	});

	api.add({
		method: 'POST',
		url: '/api/v1/conversations/:conversationId/unread',
		summary: 'Mark unread for the attendants (the badge shows again, at least 1); sends nothing to WhatsApp',
		tag: 'conversations',
		access: 'member',
		params: conversationParams,
		handler: async ({ caller, params }) => {
			const result = await markConversationUnread(db, caller, params.conversationId);
			await publisher.publish(caller.workspaceId, result.events);
			return { conversationId: params.conversationId, unreadCount: result.unreadCount };
		},
	});

	api.add({
		method: 'POST',
		url: '/api/v1/conversations/:conversationId/read-receipt',
		summary: "Send WhatsApp read receipts (the contact's blue ticks) for the latest inbound messages",
		tag: 'conversations',
		access: 'member',
		params: conversationParams,
		handler: async ({ caller, params }) => sendReadReceipt(db, deps.integrationsKey, deps.evolution.apiKey, caller, params.conversationId),
	});

	api.add({
		method: 'POST',
		url: '/api/v1/conversations/:conversationId/typing',
		summary: 'The attendant is typing (on) or stopped (off); turns itself off after 30 s',
		tag: 'conversations',
		access: 'member',
		params: conversationParams,
		body: z.object({ on: z.boolean(), isPrivate: z.boolean().default(false).describe('Typing a private note.') }),
		successStatus: 204,
		handler: async ({ caller, params, body }) => {
			if (!(await findConversation(db, caller.workspaceId, params.conversationId))) throw notFound('Conversation');
			if (!caller.userId) throw forbidden('Only attendants type.');
			const typist = { kind: 'user' as const, userId: caller.userId, isPrivate: body.isPrivate };
			const event = body.on
				? await deps.typing.start(caller.workspaceId, params.conversationId, typist)
				: await deps.typing.stop(caller.workspaceId, params.conversationId, typist);
			await publisher.publish(caller.workspaceId, [event]);
		},
	});
}
