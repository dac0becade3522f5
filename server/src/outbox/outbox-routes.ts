import { z } from 'zod/v4';
import type { Caller } from '../auth/caller';
import { ApiError } from '../inbox/api/api-error';
import type { ApiRouter } from '../inbox/api/api-router';
import { threadMessageSchema } from '../inbox/messages/message-view-schema';
import type { MediaLibrary } from '../media/media-library';
import { readMultipartForm } from '../media/multipart-form';
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

const FILE_TYPES = ['image', 'video', 'audio', 'document', 'sticker'] as const;

/** A send's type from its file when the form does not say: images, videos and audio as such, anything else a document. */
function fileTypeOf(contentType: string): (typeof FILE_TYPES)[number] {
	const family = contentType.split('/')[0].toLowerCase();
	return family === 'image' || family === 'video' || family === 'audio' ? family : 'document';
}

const FORM_BOOLEANS: Record<string, boolean> = { true: true, false: false, '1': true, '0': false };

/**
 * A send as multipart/form-data: the file goes into the media store (as POST /api/v1/media would put it) and the send
 * names it by mediaId; the text fields are the JSON body's. One request instead of upload-then-send.
 */
function sendForm(media: MediaLibrary): NonNullable<Parameters<ApiRouter['add']>[0]['form']> {
	return {
		field: 'file',
		extraFields: {
			type: 'image | video | audio (voice note) | document | sticker; by default from the file (image/*, video/*, audio/*, else document)',
			caption: 'Caption of an image, video or document',
			text: 'The caption when `caption` is absent',
			fileName: "The name shown for a document (default: the file part's name)",
			mimeType: "The file's content type, when the part's own is wrong",
			replyToMessageId: 'Quote this message of the conversation',
			clientId: 'Idempotency key',
			typing: 'true | false',
		},
		read: async (request, caller) => {
			const { fields, file } = await readMultipartForm(request, 'file', media.limits.maxUploadBytes);
			if (!file) throw new ApiError(400, 'validation_error', 'No file in the form: add a part named "file" (or send JSON with media.url / media.mediaId).');
			const type = fields.type ?? fileTypeOf(file.contentType);
			if (!(FILE_TYPES as readonly string[]).includes(type)) {
				throw new ApiError(400, 'validation_error', `body.type: a file is sent as ${FILE_TYPES.join(', ')}; "${type}" is sent as JSON.`);
			}
			const typing = fields.typing === undefined ? undefined : (FORM_BOOLEANS[fields.typing.trim().toLowerCase()] ?? fields.typing);
			const saved = await media.saveUpload(caller.workspaceId, { bytes: file.bytes, contentType: file.contentType, fileName: file.fileName });
			request.log.info({ mediaId: saved.id, sizeBytes: saved.sizeBytes }, 'media uploaded with a send');
			return {
				type,
				text: fields.text,
				caption: fields.caption,
				replyToMessageId: fields.replyToMessageId,
				clientId: fields.clientId,
				typing,
				media: { mediaId: saved.id, ...(fields.fileName ? { fileName: fields.fileName } : {}), ...(fields.mimeType ? { mimeType: fields.mimeType } : {}) },
			};
		},
	};
}

/** The sending routes (README "Sending"). Every one answers at once; the worker sends. */
export function registerOutboxRoutes(api: ApiRouter, outbox: Outbox, ai?: ProactiveAiHook, media?: MediaLibrary): void {
	api.add({
		method: 'POST',
		url: '/api/v1/conversations/:conversationId/messages',
		summary:
			'Send a message in a conversation (text, media, location, contact, reaction, quoted reply): 202 with the queued row; the outbox sends it. A file may come with the request as multipart/form-data',
		tag: 'sending',
		access: 'member',
		params: conversationParams,
		body: sendBodySchema,
		response: threadMessageSchema,
		...(media ? { form: sendForm(media), bodyLimit: media.limits.maxUploadBytes + 1024 * 1024 } : {}),
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
		response: threadMessageSchema,
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
		response: threadMessageSchema,
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
		response: threadMessageSchema,
		handler: async ({ caller, params }) => outbox.cancel(caller, params.messageId),
	});

	api.add({
		method: 'POST',
		url: '/api/v1/messages/:messageId/edit',
		summary: 'Edit the text of a sent text message (Evolution updateMessage)',
		tag: 'sending',
		access: 'member',
		params: messageParams,
		response: threadMessageSchema,
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
		response: threadMessageSchema,
		handler: async ({ caller, params }) => outbox.revoke(caller, params.messageId),
	});
}
