import type { AdReferral, MediaReference, MessageType } from '../provider-events';
import { enumIs, readBytesHex, readInt64 } from './protobuf-values';

type Json = Record<string, unknown>;

/** What a WhatsApp message body (Baileys' proto.IMessage as Evolution sends it) means to the inbox. */
export type MessageContent =
	| {
			kind: 'message';
			type: MessageType;
			body?: string;
			media?: MediaReference;
			details?: Json;
			quotedWaMessageId?: string;
			reaction?: { targetWaMessageId: string; emoji: string };
			referral?: AdReferral;
	  }
	| { kind: 'edit'; targetWaMessageId: string; body: string; editedAt?: Date }
	| { kind: 'delete'; targetWaMessageId: string }
	| { kind: 'ignored'; reason: string };

// Containers whose .message holds the real content.
const WRAPPERS = ['ephemeralMessage', 'viewOnceMessage', 'viewOnceMessageV2', 'viewOnceMessageV2Extension', 'documentWithCaptionMessage', 'editedMessage', 'deviceSentMessage', 'groupMentionedMessage'];

const MEDIA_TYPES: Record<string, MessageType> = {
	imageMessage: 'image',
	videoMessage: 'video',
	ptvMessage: 'video',
	audioMessage: 'audio',
	documentMessage: 'document',
	stickerMessage: 'sticker',
};

const PROTOCOL_REVOKE = 0;
const PROTOCOL_MESSAGE_EDIT = 14;

function obj(value: unknown): Json | undefined {
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function str(value: unknown): string | undefined {
	return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Unwraps ephemeral / view-once / edited containers down to the message that carries the content. */
export function unwrapMessage(message: Json): Json {
	let current = message;
	for (let depth = 0; depth < 5; depth++) {
		const wrapper = WRAPPERS.map((k) => obj(current[k])).find((w) => w && obj(w.message));
		if (!wrapper) return current;
		current = obj(wrapper.message) as Json;
	}
	return current;
}

/** The text of a (possibly nested) message, for edits and quoted previews. */
export function messageText(message: Json | undefined): string | undefined {
	if (!message) return undefined;
	const m = unwrapMessage(message);
	return (
		str(m.conversation) ??
		str(obj(m.extendedTextMessage)?.text) ??
		str(obj(m.imageMessage)?.caption) ??
		str(obj(m.videoMessage)?.caption) ??
		str(obj(m.documentMessage)?.caption)
	);
}

function inlineFile(base64: unknown): (() => string) | undefined {
	return typeof base64 === 'string' && base64.length > 0 ? () => base64 : undefined;
}

export function readMessageContent(message: Json | null | undefined, outerContextInfo?: Json | null): MessageContent {
	if (!message) return { kind: 'message', type: 'unknown' };
	const m = unwrapMessage(message);
	const protocol = obj(m.protocolMessage);
	if (protocol) return readProtocolMessage(protocol);

	const contentKey = Object.keys(m).find((k) => k !== 'messageContextInfo' && k !== 'base64' && k !== 'mediaUrl' && k !== 'speechToText' && obj(m[k]) !== undefined) ?? (str(m.conversation) ? 'conversation' : undefined);
	const content = contentKey ? obj(m[contentKey]) : undefined;
	const contextInfo = obj(content?.contextInfo) ?? obj(outerContextInfo) ?? undefined;
	const common = {
		quotedWaMessageId: str(contextInfo?.stanzaId),
		referral: readAdReferral(contextInfo),
	};

	if (str(m.conversation)) return { kind: 'message', type: 'text', body: m.conversation as string, ...common };
	if (!contentKey || !content) return { kind: 'message', type: 'unknown', ...common };

	if (contentKey === 'extendedTextMessage') return { kind: 'message', type: 'text', body: str(content.text), ...common };

	const mediaType = MEDIA_TYPES[contentKey];
	if (mediaType) {
		const details: Json = {};
		if (contentKey === 'audioMessage') details.voiceNote = content.ptt === true;
		if (contentKey === 'ptvMessage') details.videoNote = true;
		if (typeof content.width === 'number') details.width = content.width;
		if (typeof content.height === 'number') details.height = content.height;
		if (contentKey === 'stickerMessage') details.animated = content.isAnimated === true;
		if (typeof content.pageCount === 'number') details.pageCount = content.pageCount;
		if (typeof m.speechToText === 'string') details.transcript = m.speechToText;
		// WhatsApp's hash of the file: what captured bytes must match (media/media-capture.ts).
		const sha256 = readBytesHex(content.fileSha256);
		if (sha256) details.fileSha256 = sha256;
		const media: MediaReference = {
			url: str(m.mediaUrl) ?? str(content.url),
			mimeType: str(content.mimetype),
			fileName: str(content.fileName) ?? str(content.title),
			sizeBytes: readInt64(content.fileLength),
			durationSeconds: typeof content.seconds === 'number' ? content.seconds : undefined,
			sha256,
			// The file itself when the instance webhook has base64 on (CONTRACT: data.message.base64, no data: prefix).
			inlineBase64: inlineFile(m.base64),
		};
		return { kind: 'message', type: mediaType, body: str(content.caption), media, details, ...common };
	}

	switch (contentKey) {
		case 'reactionMessage': {
			const target = str(obj(content.key)?.id);
			if (!target) return { kind: 'ignored', reason: 'reaction without a target key' };
			const emoji = typeof content.text === 'string' ? content.text : '';
			return { kind: 'message', type: 'reaction', body: emoji, reaction: { targetWaMessageId: target, emoji }, details: { targetFromMe: obj(content.key)?.fromMe === true } };
		}
		case 'locationMessage':
		case 'liveLocationMessage': {
			const details: Json = {
				latitude: content.degreesLatitude,
				longitude: content.degreesLongitude,
				name: str(content.name),
				address: str(content.address),
				url: str(content.url),
				live: contentKey === 'liveLocationMessage',
			};
			return { kind: 'message', type: 'location', body: str(content.name) ?? str(content.address) ?? str(content.caption), details, ...common };
		}
		case 'contactMessage':
			return {
				kind: 'message',
				type: 'contact',
				body: str(content.displayName),
				details: { contacts: [{ displayName: str(content.displayName), vcard: str(content.vcard) }] },
				...common,
			};
		case 'contactsArrayMessage': {
			const contacts = Array.isArray(content.contacts) ? content.contacts.map((c) => ({ displayName: str(obj(c)?.displayName), vcard: str(obj(c)?.vcard) })) : [];
			return { kind: 'message', type: 'contact', body: str(content.displayName) ?? contacts.map((c) => c.displayName).filter(Boolean).join(', '), details: { contacts }, ...common };
		}
		case 'pollCreationMessage':
		case 'pollCreationMessageV2':
		case 'pollCreationMessageV3': {
			const options = Array.isArray(content.options) ? content.options.map((o) => str(obj(o)?.optionName)).filter((o): o is string => Boolean(o)) : [];
			return { kind: 'message', type: 'poll', body: str(content.name), details: { options, selectableCount: content.selectableOptionsCount }, ...common };
		}
		case 'pollUpdateMessage':
			return { kind: 'ignored', reason: 'poll vote' };
		case 'listResponseMessage':
			return { kind: 'message', type: 'text', body: str(content.title) ?? str(obj(content.singleSelectReply)?.selectedRowId), details: { selectedRowId: obj(content.singleSelectReply)?.selectedRowId }, ...common };
		case 'buttonsResponseMessage':
		case 'templateButtonReplyMessage':
			return { kind: 'message', type: 'text', body: str(content.selectedDisplayText) ?? str(content.selectedButtonId) ?? str(content.selectedId), ...common };
		case 'interactiveResponseMessage':
			return { kind: 'message', type: 'text', body: str(obj(content.body)?.text), ...common };
		case 'senderKeyDistributionMessage':
			return { kind: 'ignored', reason: 'key distribution' };
		default:
			return { kind: 'message', type: 'unknown', body: str(content.text) ?? str(content.caption) ?? str(content.contentText), details: { whatsappType: contentKey }, ...common };
	}
}

/** protocolMessage: REVOKE deletes the referenced message, MESSAGE_EDIT replaces its text; the rest is housekeeping. */
export function readProtocolMessage(protocol: Json): MessageContent {
	const target = str(obj(protocol.key)?.id);
	if (!target) return { kind: 'ignored', reason: 'protocol message without key' };
	if (enumIs(protocol.type, 'REVOKE', PROTOCOL_REVOKE)) return { kind: 'delete', targetWaMessageId: target };
	if (enumIs(protocol.type, 'MESSAGE_EDIT', PROTOCOL_MESSAGE_EDIT)) {
		const body = messageText(obj(protocol.editedMessage));
		if (body === undefined) return { kind: 'ignored', reason: 'edit without text' };
		const ms = readInt64(protocol.timestampMs);
		return { kind: 'edit', targetWaMessageId: target, body, editedAt: ms ? new Date(ms) : undefined };
	}
	return { kind: 'ignored', reason: `protocol message ${String(protocol.type)}` };
}

/** Click-to-WhatsApp ad data: contextInfo.externalAdReply (Meta puts ctwaClid, sourceId/Url/Type there). */
export function readAdReferral(contextInfo: Json | undefined): AdReferral | undefined {
	const ad = obj(contextInfo?.externalAdReply);
	const conversionSource = str(contextInfo?.conversionSource) ?? str(contextInfo?.entryPointConversionSource);
	if (!ad && !conversionSource) return undefined;
	const raw: Json = {};
	for (const [key, value] of Object.entries(ad ?? {})) {
		// Thumbnails are byte blobs; the referral keeps only what identifies the ad.
		if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') raw[key] = value;
	}
	if (conversionSource) raw.conversionSource = conversionSource;
	if (str(contextInfo?.entryPointConversionApp)) raw.entryPointConversionApp = contextInfo?.entryPointConversionApp;
	return {
		ctwaClid: str(ad?.ctwaClid) ?? str(ad?.ctwa_clid),
		sourceId: str(ad?.sourceId),
		sourceType: str(ad?.sourceType),
		sourceUrl: str(ad?.sourceUrl),
		headline: str(ad?.title),
		body: str(ad?.body),
		raw,
	};
}
