import { z } from 'zod/v4';

/**
 * A message as a thread shows it (message-view.ts selects it), with the reactions people left on it. The schema
 * documents the answers in OpenAPI, from which the web app's types are generated; strict objects, so a test parsing a
 * real answer with it fails when the view gains or renames a field the schema does not have.
 */
export const messageMediaSchema = z
	.strictObject({
		id: z.uuid().nullable().describe('The file in the media store (GET /api/v1/media/{id}); null until a capture is tracked for it'),
		url: z.string().nullable(),
		mimeType: z.string().nullable(),
		fileName: z.string().nullable(),
		sizeBytes: z.number().int().nullable(),
		durationSeconds: z.number().nullable(),
	})
	.describe("The message's file (image, video, audio, document, sticker); never where the server stores it");

export const messageReactionSchema = z.strictObject({
	emoji: z.string(),
	reactorJid: z.string(),
	fromMe: z.boolean(),
});

export const threadMessageSchema = z.strictObject({
	id: z.uuid(),
	conversationId: z.uuid(),
	channelId: z.uuid(),
	waMessageId: z.string().nullable(),
	clientMessageId: z.string().nullable(),
	direction: z.enum(['inbound', 'outbound', 'internal']),
	fromMe: z.boolean(),
	type: z.string().describe('text, image, video, audio, document, sticker, location, contact, reaction, note, system…'),
	body: z.string().nullable(),
	media: messageMediaSchema.nullable(),
	details: z
		.record(z.string(), z.unknown())
		.nullable()
		.describe("What a type carries besides its body: a system line's kind and variables (assignment, status, ai…), a location, a contact card"),
	quotedWaMessageId: z.string().nullable(),
	reactionTargetWaMessageId: z.string().nullable(),
	senderJid: z.string().nullable(),
	senderName: z.string().nullable(),
	status: z.string().describe('queued, sending, sent, delivered, read, failed, cancelled…'),
	error: z.string().nullable(),
	errorCode: z.string().nullable().describe('Outbox rows: machine-readable reason of the last failure (not_on_whatsapp, timeout, http_500, cancelled…)'),
	origin: z.enum(['reply', 'proactive']).nullable().describe("Outbox rows: 'reply' (goes at once) or 'proactive' (paced); null for everything the outbox did not queue"),
	attempts: z.number().int().describe('Outbox rows: sends tried so far (at most five)'),
	paced: z.boolean().describe('Held back by pacing ("Mensagens em fila para evitar bloqueio") until about expectedSendAt'),
	expectedSendAt: z.string().nullable(),
	nextAttemptAt: z.string().nullable().describe("When the worker tries next (a retry's back-off, a 429's Retry-After)"),
	sentByUserId: z.uuid().nullable(),
	sentByAi: z.boolean().describe('Queued by the AI auto-reply (its replies, away and hand-off messages)'),
	transcript: z.string().nullable().describe("A voice note's transcript, when the AI transcribed it"),
	isEdited: z.boolean(),
	editedAt: z.string().nullable(),
	isDeleted: z.boolean(),
	deletedAt: z.string().nullable(),
	waTimestamp: z.string().nullable(),
	threadAt: z.string().describe('Where the message sits in the thread (WhatsApp time, else when it was stored)'),
	createdAt: z.string(),
	reactions: z.array(messageReactionSchema),
});

/** GET /api/v1/conversations/{id}/messages: a page of the thread, newest last. */
export const threadMessagePageSchema = z.strictObject({
	data: z.array(threadMessageSchema),
	meta: z.strictObject({ nextCursor: z.string().nullable().describe('`before` for the page of older messages') }),
});
