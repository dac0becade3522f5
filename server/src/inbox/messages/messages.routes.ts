import { z } from 'zod/v4';
import { notFound } from '../api/api-error';
import type { ApiRouter } from '../api/api-router';
import type { InboxApiDeps } from '../inbox-deps';
import { findMessage } from './message-view';
import { threadMessageSchema } from './message-view-schema';

/** One message by id: how automation follows a send (queued → sending → sent → delivered → read, or failed with its reason). */
export function registerMessageRoutes(api: ApiRouter, deps: InboxApiDeps): void {
	const { db } = deps;

	api.add({
		method: 'GET',
		url: '/api/v1/messages/:messageId',
		summary: 'One message with its status (queued, sending, sent, delivered, read, failed, cancelled), error, attempts and pacing',
		tag: 'sending',
		access: 'member',
		params: z.object({ messageId: z.uuid() }),
		response: threadMessageSchema,
		handler: async ({ caller, params }) => {
			const message = await findMessage(db, caller.workspaceId, params.messageId);
			if (!message) throw notFound('Message');
			return message;
		},
	});
}
