import type { IDataObject } from 'n8n-workflow';

const MEDIA_TYPES = new Set([
	'imageMessage',
	'videoMessage',
	'ptvMessage',
	'audioMessage',
	'documentMessage',
	'documentWithCaptionMessage',
	'stickerMessage',
]);

function record(value: unknown): IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as IDataObject) : {};
}

/** The human-readable text of a stored message, whatever its type. */
export function messageText(message: IDataObject, messageType: string): string | null {
	if (typeof message.conversation === 'string') return message.conversation;
	const content = record(message[messageType]);
	for (const key of ['text', 'caption', 'name', 'displayName', 'title']) {
		if (typeof content[key] === 'string' && content[key] !== '') return content[key] as string;
	}
	const extended = record(message.extendedTextMessage);
	if (typeof extended.text === 'string') return extended.text;
	return null;
}

/** Seconds, `{low,high}` or a decimal string → seconds. */
function toSeconds(value: unknown): number | null {
	if (typeof value === 'number') return value;
	if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
	const long = record(value);
	if (typeof long.low === 'number') return (long.low >>> 0) + Number(long.high ?? 0) * 2 ** 32;
	return null;
}

/**
 * One stored Evolution message (a `findMessages` record) as a flat, stable shape for workflows:
 * the chat prefers the phone-number JID when WhatsApp addressed it by `@lid`.
 */
export function normalizeStoredMessage(raw: IDataObject, instanceName: string): IDataObject {
	const key = record(raw.key);
	const message = record(raw.message);
	const messageType = String(raw.messageType ?? 'unknown');
	const remoteJid = String(key.remoteJid ?? '');
	const remoteJidAlt = typeof key.remoteJidAlt === 'string' ? key.remoteJidAlt : undefined;
	const chatJid = remoteJid.endsWith('@lid') && remoteJidAlt ? remoteJidAlt : remoteJid;
	const seconds = toSeconds(raw.messageTimestamp);
	const updates = Array.isArray(raw.MessageUpdate) ? (raw.MessageUpdate as IDataObject[]) : [];
	const lastStatus = updates.length > 0 ? updates[updates.length - 1].status : undefined;
	const contextInfo = record(raw.contextInfo);

	return {
		instanceName,
		messageId: String(key.id ?? ''),
		chatJid,
		isGroup: chatJid.endsWith('@g.us'),
		fromMe: key.fromMe === true,
		sender: key.fromMe === true ? null : String(key.participant ?? chatJid),
		pushName: raw.pushName ?? null,
		messageType,
		text: messageText(message, messageType),
		hasMedia: MEDIA_TYPES.has(messageType),
		quotedMessageId: typeof contextInfo.stanzaId === 'string' ? contextInfo.stanzaId : null,
		timestamp: seconds !== null ? new Date(seconds * 1000).toISOString() : null,
		messageTimestamp: seconds,
		status: lastStatus ?? raw.status ?? null,
		source: raw.source ?? null,
		key,
		message,
	};
}
