import type { IDataObject } from 'n8n-workflow';

import { MESSAGE_EVENTS } from './events';

/** Message content keys that carry a downloadable file, with the simplified `type` they map to. */
export const MEDIA_TYPES: Record<string, string> = {
	imageMessage: 'image',
	videoMessage: 'video',
	ptvMessage: 'video',
	audioMessage: 'audio',
	documentMessage: 'document',
	documentWithCaptionMessage: 'document',
	stickerMessage: 'sticker',
};

const OTHER_TYPES: Record<string, string> = {
	conversation: 'text',
	extendedTextMessage: 'text',
	reactionMessage: 'reaction',
	locationMessage: 'location',
	liveLocationMessage: 'location',
	contactMessage: 'contact',
	contactsArrayMessage: 'contacts',
	pollCreationMessage: 'poll',
	pollCreationMessageV2: 'poll',
	pollCreationMessageV3: 'poll',
	pollUpdateMessage: 'pollVote',
	protocolMessage: 'protocol',
	editedMessage: 'edit',
	listResponseMessage: 'listResponse',
	buttonsResponseMessage: 'buttonsResponse',
	templateButtonReplyMessage: 'buttonsResponse',
};

function asObject(value: unknown): IDataObject {
	return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as IDataObject) : {};
}

function str(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The number part of a phone-number JID (`5511…@s.whatsapp.net` → `5511…`); undefined for anything else. */
export function phoneFromJid(jid: unknown): string | undefined {
	const value = str(jid);
	if (!value) return undefined;
	const [user, domain] = value.split('@');
	if (domain !== 's.whatsapp.net' && domain !== 'c.us') return undefined;
	const digits = user.split(':')[0].replace(/\D/g, '');
	return digits === '' ? undefined : digits;
}

/** Evolution's int64 encodings: number, decimal string, `{low,high,unsigned}`. */
export function toNumber(value: unknown): number | undefined {
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
	const long = asObject(value);
	if (typeof long.low === 'number' && typeof long.high === 'number') {
		const low = long.low >>> 0;
		return long.high * 4294967296 + low;
	}
	return undefined;
}

/** A WhatsApp timestamp (seconds, or milliseconds when it is clearly that large) as ISO 8601. */
export function timestampToIso(value: unknown): string | undefined {
	const number = toNumber(value);
	if (number === undefined || number <= 0) return undefined;
	const ms = number > 1e12 ? number : number * 1000;
	const date = new Date(ms);
	return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The first content key of a message (skipping the bookkeeping keys Evolution adds). */
export function contentType(message: IDataObject, messageType?: string): string | undefined {
	if (messageType && messageType !== 'unknown' && message[messageType] !== undefined) return messageType;
	return Object.keys(message).find(
		(key) => !['messageContextInfo', 'base64', 'mediaUrl', 'speechToText'].includes(key),
	);
}

/** Where the file of a media message is described (`imageMessage`, `documentMessage`, …), if any. */
export function mediaOf(data: IDataObject): { kind: string; content: IDataObject } | undefined {
	const message = asObject(data.message);
	const kind = contentType(message, str(data.messageType));
	if (!kind || MEDIA_TYPES[kind] === undefined) return undefined;
	let content = asObject(message[kind]);
	if (kind === 'documentWithCaptionMessage') {
		content = asObject(asObject(asObject(content.message).documentMessage));
	}
	return { kind, content };
}

export interface SimplifiedMessage extends IDataObject {
	event: string;
	instance: string;
	chatId: string | null;
	phone: string | null;
	isGroup: boolean;
	participant: string | null;
	fromMe: boolean;
	messageId: string | null;
	type: string;
	text: string | null;
	caption: string | null;
	mimeType: string | null;
	fileName: string | null;
	quotedMessageId: string | null;
	reaction: IDataObject | null;
	location: IDataObject | null;
	contact: IDataObject | null;
	pushName: string | null;
	timestamp: string | null;
	raw: IDataObject;
}

/** The readable text of a message: plain text, extended text, list/button answers, edits. */
function textOf(kind: string | undefined, message: IDataObject): string | undefined {
	if (!kind) return undefined;
	const content = asObject(message[kind]);
	switch (kind) {
		case 'conversation':
			return str(message.conversation);
		case 'extendedTextMessage':
			return str(content.text);
		case 'listResponseMessage':
			return str(content.title) ?? str(asObject(content.singleSelectReply).selectedRowId);
		case 'buttonsResponseMessage':
			return str(content.selectedDisplayText) ?? str(content.selectedButtonId);
		case 'templateButtonReplyMessage':
			return str(content.selectedDisplayText) ?? str(content.selectedId);
		case 'editedMessage':
			return textOf(contentType(asObject(content.message)), asObject(content.message));
		default:
			return undefined;
	}
}

/** One `messages.upsert` / `send.message` delivery → the flat shape most workflows want. */
export function simplifyMessage(body: IDataObject): SimplifiedMessage {
	const data = asObject(body.data);
	const key = asObject(data.key);
	const message = asObject(data.message);
	const kind = contentType(message, str(data.messageType));
	const content = kind ? asObject(message[kind]) : {};
	const chatId = str(key.remoteJid) ?? null;
	const isGroup = chatId?.endsWith('@g.us') ?? false;
	const participant = str(key.participant) ?? str(data.participant) ?? null;

	// The person's phone: in 1:1 chats the chat itself (or its PN alternative when the chat is an @lid);
	// in groups the sender (participantAlt holds the PN when the participant is an @lid).
	const phone = isGroup
		? (phoneFromJid(key.participantAlt) ?? phoneFromJid(participant))
		: (phoneFromJid(chatId) ?? phoneFromJid(key.remoteJidAlt));

	const media = mediaOf(data);
	const contextInfo = asObject(data.contextInfo ?? content.contextInfo);

	let reaction: IDataObject | null = null;
	if (kind === 'reactionMessage') {
		const target = asObject(content.key);
		reaction = {
			emoji: typeof content.text === 'string' ? content.text : '',
			messageId: str(target.id) ?? null,
			removed: content.text === '' || content.text === undefined,
		};
	}
	let location: IDataObject | null = null;
	if (kind === 'locationMessage' || kind === 'liveLocationMessage') {
		location = {
			latitude: typeof content.degreesLatitude === 'number' ? content.degreesLatitude : null,
			longitude: typeof content.degreesLongitude === 'number' ? content.degreesLongitude : null,
			name: str(content.name) ?? null,
			address: str(content.address) ?? null,
		};
	}
	let contact: IDataObject | null = null;
	if (kind === 'contactMessage') {
		contact = { displayName: str(content.displayName) ?? null, vcard: str(content.vcard) ?? null };
	} else if (kind === 'contactsArrayMessage') {
		const contacts = (Array.isArray(content.contacts) ? content.contacts : []) as IDataObject[];
		contact = {
			displayName: str(content.displayName) ?? null,
			contacts: contacts.map((entry) => ({
				displayName: str(entry.displayName) ?? null,
				vcard: str(entry.vcard) ?? null,
			})),
		};
	}

	const type = kind ? (MEDIA_TYPES[kind] ?? OTHER_TYPES[kind] ?? kind) : 'unknown';
	return {
		event: String(body.event ?? ''),
		instance: String(body.instance ?? ''),
		chatId,
		phone: phone ?? null,
		isGroup,
		participant,
		fromMe: key.fromMe === true,
		messageId: str(key.id) ?? null,
		type,
		messageType: str(data.messageType) ?? kind ?? null,
		text: textOf(kind, message) ?? null,
		caption: media ? (str(media.content.caption) ?? null) : null,
		mimeType: media ? (str(media.content.mimetype) ?? null) : null,
		fileName: media ? (str(media.content.fileName) ?? null) : null,
		quotedMessageId: str(contextInfo.stanzaId) ?? null,
		reaction,
		location,
		contact,
		pushName: str(data.pushName) ?? null,
		timestamp: timestampToIso(data.messageTimestamp) ?? null,
		raw: body,
	};
}

/** Any other event: the envelope's event and instance, then `data`'s own fields (or `items` for arrays). */
export function simplifyOther(body: IDataObject): IDataObject {
	const data = body.data;
	const base: IDataObject = { event: String(body.event ?? ''), instance: String(body.instance ?? '') };
	const event = base.event as string;
	if (event === 'messages.update' || event === 'messages.delete') {
		const record = asObject(data);
		const chatId = str(record.remoteJid) ?? null;
		return {
			...base,
			chatId,
			phone: phoneFromJid(chatId) ?? phoneFromJid(record.remoteJidAlt) ?? null,
			isGroup: chatId?.endsWith('@g.us') ?? false,
			messageId: str(record.keyId) ?? str(record.id) ?? null,
			fromMe: record.fromMe === true,
			status: str(record.status) ?? null,
			participant: str(record.participant) ?? null,
			raw: body,
		};
	}
	const fields = Array.isArray(data) ? { items: data } : asObject(data);
	return { ...base, ...fields, raw: body };
}

export function simplify(body: IDataObject): IDataObject {
	return MESSAGE_EVENTS.has(String(body.event)) ? simplifyMessage(body) : simplifyOther(body);
}

/** The chat a delivery is about, for the chat filters (undefined when the event is not about one chat). */
export function chatOf(body: IDataObject): { chatId?: string; phone?: string } {
	const data = asObject(body.data);
	const key = asObject(data.key);
	const chatId = str(key.remoteJid) ?? str(data.remoteJid) ?? str(data.chatId) ?? (body.event === 'presence.update' ? str(data.id) : undefined);
	if (!chatId) return {};
	const alt = str(key.remoteJidAlt) ?? str(data.remoteJidAlt);
	return { chatId, phone: phoneFromJid(chatId) ?? phoneFromJid(alt) };
}
