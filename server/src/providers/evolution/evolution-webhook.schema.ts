import { z } from 'zod';
import { EVENT_LIMITS } from '../event-bounds';

// Ids and JIDs are bounded here (a too-long one is a 422, never an index row overflow); names and texts are clamped
// later, in event-bounds.ts, because the message is still worth storing.
const messageId = z.string().min(1).max(EVENT_LIMITS.id);
const jid = z.string().min(1).max(EVENT_LIMITS.jid);

/** The envelope of every Evolution webhook (CONTRACT §3.1); unknown keys pass through. */
export const evolutionEnvelopeSchema = z
	.object({
		event: z.string().min(1),
		instance: z.string().optional(),
		data: z.unknown(),
		date_time: z.string().optional(),
		sender: z.string().optional(),
	})
	.passthrough();

const jsonObject = z.record(z.unknown());

export const evolutionMessageKeySchema = z
	.object({
		id: messageId,
		remoteJid: jid,
		remoteJidAlt: jid.nullish(),
		fromMe: z.boolean().nullish(),
		participant: jid.nullish(),
		participantAlt: jid.nullish(),
		addressingMode: z.string().nullish(),
	})
	.passthrough();

/** messages.upsert / send.message / messages.set item: the "messageRaw" (CONTRACT §3.4). */
export const evolutionMessageRawSchema = z
	.object({
		key: evolutionMessageKeySchema,
		pushName: z.string().nullish(),
		status: z.union([z.string(), z.number()]).nullish(),
		message: jsonObject.nullish(),
		contextInfo: jsonObject.nullish(),
		messageType: z.string().nullish(),
		messageTimestamp: z.unknown().optional(),
	})
	.passthrough();
export type EvolutionMessageRaw = z.infer<typeof evolutionMessageRawSchema>;

/** messages.update: a receipt for one of our messages, or an edit (CONTRACT §3.5). */
export const evolutionMessageUpdateSchema = z
	.object({
		keyId: messageId,
		remoteJid: jid.nullish(),
		fromMe: z.boolean().nullish(),
		status: z.union([z.string(), z.number()]).nullish(),
		message: jsonObject.nullish(),
	})
	.passthrough();

/** messages.delete: the revoked key plus status, or (deleteMessageForEveryone) the stored row with a key. */
export const evolutionMessageDeleteSchema = z.union([
	z.object({ key: evolutionMessageKeySchema.partial({ remoteJid: true }) }).passthrough(),
	z.object({ id: messageId, remoteJid: jid.nullish() }).passthrough(),
]);

/** messages.edited / send.message.update: a Baileys protocolMessage as protobuf-JSON. */
export const evolutionProtocolMessageSchema = z
	.object({
		key: z.object({ id: messageId }).passthrough(),
		type: z.union([z.string(), z.number()]).nullish(),
		editedMessage: jsonObject.nullish(),
		timestampMs: z.unknown().optional(),
	})
	.passthrough();

export const evolutionPresenceSchema = z.object({
	id: jid,
	presences: z.record(z.object({ lastKnownPresence: z.string(), lastSeen: z.number().nullish() }).passthrough()),
});

export const evolutionConnectionSchema = z
	.object({
		state: z.string().min(1),
		statusReason: z.number().nullish(),
		wuid: z.string().nullish(),
		profileName: z.string().nullish(),
		profilePictureUrl: z.string().nullish(),
	})
	.passthrough();

export const evolutionQrcodeSchema = z.union([
	z.object({ qrcode: z.object({ code: z.string().nullish(), base64: z.string().nullish(), pairingCode: z.string().nullish() }).passthrough() }).passthrough(),
	z.object({ message: z.string(), statusCode: z.number().optional() }).passthrough(),
]);

const evolutionContactSchema = z
	.object({ remoteJid: jid, pushName: z.string().nullish(), profilePicUrl: z.string().nullish() })
	.passthrough();
/** contacts.upsert / contacts.update: one object (from a message) or an array (sync). */
export const evolutionContactsSchema = z.union([evolutionContactSchema, z.array(evolutionContactSchema)]);

export const evolutionStatusInstanceSchema = z
	.object({ status: z.string(), disconnectionReasonCode: z.number().nullish() })
	.passthrough();
