import { z } from 'zod/v4';
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

/** The sending routes (README "Sending"). Every one answers at once; the worker sends. */
export function registerOutboxRoutes(api: ApiRouter, outbox: Outbox): void {
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
}
