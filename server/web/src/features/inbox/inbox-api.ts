import { api, unwrap } from '../../lib/api-client';
import type { ConversationStatus } from '../../lib/api-types';

export type Tab = 'mine' | 'unassigned' | 'all';
export type StatusFilter = 'active' | 'open' | 'pending' | 'resolved' | 'snoozed' | 'all';

export interface ListFilters {
	tab: Tab;
	status: StatusFilter;
	q: string;
	channelId: string;
}

export const listConversations = (filters: ListFilters, cursor?: string) =>
	unwrap(
		api.GET('/api/v1/conversations', {
			params: {
				query: {
					assignee: filters.tab,
					status: filters.status,
					...(filters.q.trim() ? { q: filters.q.trim() } : {}),
					...(filters.channelId ? { channelId: filters.channelId } : {}),
					...(cursor ? { cursor } : {}),
					limit: 50,
				},
			},
		}),
	);

export const getConversation = (conversationId: string) =>
	unwrap(api.GET('/api/v1/conversations/{conversationId}', { params: { path: { conversationId } } }));

export const listMessages = (conversationId: string, before?: string) =>
	unwrap(
		api.GET('/api/v1/conversations/{conversationId}/messages', { params: { path: { conversationId }, query: { limit: 50, ...(before ? { before } : {}) } } }),
	);

/** Assigns, transfers (with an optional note for the receiver) or unassigns (null). */
export const assign = (conversationId: string, assigneeId: string | null, note?: string) =>
	unwrap(
		api.POST('/api/v1/conversations/{conversationId}/assignment', { params: { path: { conversationId } }, body: { assigneeId, ...(note ? { note } : {}) } }),
	);

/** Give the conversation back to the AI (active), or pause it. */
export const setAiState = (conversationId: string, state: 'active' | 'paused') =>
	unwrap(api.POST('/api/v1/conversations/{conversationId}/ai', { params: { path: { conversationId } }, body: { state } }));

export const changeStatus = (conversationId: string, status: ConversationStatus, snoozedUntil?: string) =>
	unwrap(
		api.POST('/api/v1/conversations/{conversationId}/status', { params: { path: { conversationId } }, body: { status, ...(snoozedUntil ? { snoozedUntil } : {}) } }),
	);

export const markRead = (conversationId: string) => unwrap<unknown>(api.POST('/api/v1/conversations/{conversationId}/read', { params: { path: { conversationId } } }));

/** Mark unread for the team (the badge shows again); nothing goes to WhatsApp. */
export const markUnread = (conversationId: string) => unwrap<unknown>(api.POST('/api/v1/conversations/{conversationId}/unread', { params: { path: { conversationId } } }));

export const addNote = (conversationId: string, body: string) =>
	unwrap(api.POST('/api/v1/conversations/{conversationId}/notes', { params: { path: { conversationId } }, body: { body } }));

/** Queues a text with the outbox (202); the same clientId again never sends twice, so a double click is harmless. */
export const sendText = (conversationId: string, text: string, clientId: string, replyToMessageId?: string) =>
	unwrap(
		api.POST('/api/v1/conversations/{conversationId}/messages', {
			params: { path: { conversationId } },
			body: { type: 'text', text, clientId, ...(replyToMessageId ? { replyToMessageId } : {}) },
		}),
	);

export type FileType = 'image' | 'video' | 'audio' | 'document' | 'sticker';

/** Queues a file already in the media store (by its mediaId), with an optional caption. */
export const sendMedia = (
	conversationId: string,
	input: { type: FileType; mediaId: string; fileName?: string; mimeType?: string; caption?: string; clientId: string; replyToMessageId?: string },
) =>
	unwrap(
		api.POST('/api/v1/conversations/{conversationId}/messages', {
			params: { path: { conversationId } },
			body: {
				type: input.type,
				media: { mediaId: input.mediaId, ...(input.fileName ? { fileName: input.fileName } : {}), ...(input.mimeType ? { mimeType: input.mimeType } : {}) },
				...(input.caption ? { caption: input.caption } : {}),
				clientId: input.clientId,
				...(input.replyToMessageId ? { replyToMessageId: input.replyToMessageId } : {}),
			},
		}),
	);

export const react = (conversationId: string, messageId: string, emoji: string, clientId: string) =>
	unwrap(
		api.POST('/api/v1/conversations/{conversationId}/messages', {
			params: { path: { conversationId } },
			body: { type: 'reaction', reaction: { messageId, emoji }, clientId },
		}),
	);

export const listChannels = () => unwrap(api.GET('/api/v1/channels'));
export const listAttendants = () => unwrap(api.GET('/api/v1/attendants'));

/** Queues a failed message again (its attempts start over); the realtime events then move its ticks. */
export const retryMessage = (messageId: string) => unwrap(api.POST('/api/v1/messages/{messageId}/retry', { params: { path: { messageId } } }));
