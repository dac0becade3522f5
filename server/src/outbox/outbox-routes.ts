import { z } from 'zod/v4';
import type { Caller } from '../auth/caller';
import type { ApiRouter } from '../inbox/api/api-router';
import type { Outbox } from './outbox';
import { OUTBOUND_TYPES } from './outbox-store';

const mediaSchema = z
	.object({
		url: z.string().max(4096).optional().describe('An http(s) URL Evolution downloads the file from.'),
		mediaId: z.string().max(200).optional().describe('A file already in the media store (GET /api/v1/media/:id).'),
		mimeType: z.string().max(200).optional(),
		fileName: z.string().max(255).optional().describe('Shown for documents.'),
	})
	.describe('The file of an image, video, audio (voice note), document or sticker: a URL or a mediaId.');

/** The body of a send: one shape for every type, the fields a type needs are checked against it. */
export const sendBodySchema = z.object({
	type: z.enum(OUTBOUND_TYPES).default('text'),
	text: z.string().max(65_536).optional().describe('The text (type text), or the caption when `caption` is absent.'),
	caption: z.string().max(4096).optional().describe('Caption of an image, video or document.'),
	media: mediaSchema.optional(),
	replyToMessageId: z.uuid().optional().describe('Quote this message of the conversation (a quoted reply).'),
	reaction: z
		.object({ messageId: z.uuid(), emoji: z.string().max(32).describe('One emoji; empty removes the reaction.') })
		.optional()
		.describe('type reaction: the message reacted to and the emoji.'),
	location: z
		.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180), name: z.string().max(500).optional(), address: z.string().max(1000).optional() })
		.optional(),
	contact: z
		.object({ fullName: z.string().trim().min(1).max(200), phoneNumber: z.string().trim().min(10).max(40), organization: z.string().max(200).optional(), email: z.string().max(200).optional() })
		.optional()
		.describe('type contact: a contact card (vCard built by Evolution).'),
	clientId: z.string().trim().min(1).max(200).optional().describe('Idempotency key: the same clientId again answers the same message and never sends twice.'),
	typing: z.boolean().optional().describe('Show "typing…" (recording for voice notes) for a time from the text length, 1–20 s, before sending. Default on.'),
});

const conversationParams = z.object({ conversationId: z.uuid() });
const messageParams = z.object({ messageId: z.uuid() });
const toField = z.string().trim().min(5).max(40).describe('The phone number, with its country code, in any format (+55 (11) 98888-7777).');

/** The largest campaign one call may queue. */
export const MAX_BATCH = 1_000;

/**
 * What a proactive send may ask of the AI auto-reply (ai/): a conversation we start is the attendants' (AI off)
 * unless the sender asks the channel's AI to answer the replies.
 */
export interface ProactiveAiHook {
	/** Refuses (422) before anything is sent when the channel has no AI agent. */
	check(workspaceId: string, channelId: string): Promise<void>;
	/** The AI takes the replies of the conversations these sends went to. */
	take(caller: Caller, messageIds: string[]): Promise<void>;
}

const aiRepliesField = z
	.boolean()
	.optional()
	.describe("true: the channel's AI agent answers the contact's replies. By default a conversation we start stays with the attendants (AI off).");

/** The sending routes (README "Sending"). Every one answers at once; the worker sends. */
export function registerOutboxRoutes(api: ApiRouter, outbox: Outbox, ai?: ProactiveAiHook): void {
	api.add({
		method: 'POST',
		url: '/api/v1/conversations/:conversationId/messages',
		summary: 'Send a message in a conversation (text, media, location, contact, reaction, quoted reply): 202 with the queued row; the outbox sends it',
		tag: 'sending',
		access: 'member',
		params: conversationParams,
		body: sendBodySchema,
		successStatus: 202,
		handler: async ({ caller, params, body }) => outbox.sendToConversation(caller, params.conversationId, body),
	});

	api.add({
		method: 'POST',
		url: '/api/v1/messages',
		summary: 'Send to a phone number on a channel (finds or creates the contact and conversation): 202 with the queued row; proactive sends are paced',
		tag: 'sending',
		access: 'member',
		body: sendBodySchema.extend({ channelId: z.uuid(), to: toField, aiReplies: aiRepliesField }),
		successStatus: 202,
		handler: async ({ caller, body }) => {
			const { channelId, to, aiReplies, ...input } = body;
			if (aiReplies && ai) await ai.check(caller.workspaceId, channelId);
			const message = await outbox.sendToPhone(caller, channelId, to, input);
			if (aiReplies && ai) await ai.take(caller, [message.id]);
			return message;
		},
	});

	api.add({
		method: 'POST',
		url: '/api/v1/messages/batch',
		summary: `Queue up to ${MAX_BATCH} sends on one channel (campaigns), {{name}} / {{first_name}} / {{phone}} and per-item variables filled in; answers each item's id or error`,
		tag: 'sending',
		access: 'member',
		body: z.object({
			channelId: z.uuid(),
			messages: z
				.array(sendBodySchema.extend({ to: toField, variables: z.record(z.string().max(64), z.string().max(1000)).optional() }))
				.min(1)
				.max(MAX_BATCH),
			aiReplies: aiRepliesField,
		}),
		successStatus: 202,
		handler: async ({ caller, body }) => {
			if (body.aiReplies && ai) await ai.check(caller.workspaceId, body.channelId);
			const results = await outbox.sendBatch(caller, body.channelId, body.messages);
			if (body.aiReplies && ai) await ai.take(caller, results.flatMap((r) => (r.id ? [r.id] : [])));
			return { data: results };
		},
	});

	api.add({
		method: 'POST',
		url: '/api/v1/messages/:messageId/retry',
		summary: 'Queue a failed message again (attempts start over)',
		tag: 'sending',
		access: 'member',
		params: messageParams,
		successStatus: 202,
		handler: async ({ caller, params }) => outbox.retry(caller, params.messageId),
	});

	api.add({
		method: 'DELETE',
		url: '/api/v1/messages/:messageId',
		summary: 'Cancel a message still waiting in the queue (not once its send has started)',
		tag: 'sending',
		access: 'member',
		params: messageParams,
		handler: async ({ caller, params }) => outbox.cancel(caller, params.messageId),
	});

	api.add({
		method: 'POST',
		url: '/api/v1/messages/:messageId/edit',
		summary: 'Edit the text of a sent text message (Evolution updateMessage)',
		tag: 'sending',
		access: 'member',
		params: messageParams,
		body: z.object({ text: z.string().trim().min(1).max(65_536) }),
		handler: async ({ caller, params, body }) => outbox.edit(caller, params.messageId, body.text),
	});

	api.add({
		method: 'POST',
		url: '/api/v1/channels/:channelId/outbox/resume',
		summary: 'Resume proactive sends after the auto-pause (5 failures in a row, or more than half failed after 10)',
		tag: 'sending',
		access: 'admin',
		params: z.object({ channelId: z.uuid() }),
		handler: async ({ caller, params }) => outbox.resumeProactive(caller.workspaceId, params.channelId),
	});

	api.add({
		method: 'POST',
		url: '/api/v1/messages/:messageId/revoke',
		summary: 'Delete a sent message for everyone (Evolution deleteMessageForEveryone)',
		tag: 'sending',
		access: 'member',
		params: messageParams,
		handler: async ({ caller, params }) => outbox.revoke(caller, params.messageId),
	});
}
