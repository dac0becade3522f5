/** messageRaw ↔ Message row helpers shared by sends, receipts, history and queries. */
import { cuid } from '../domain/ids';
import type { ChatRow, InstanceState, MessageKey, StoredMessage } from '../domain/instance-state';

export interface MessageRaw {
	key: MessageKey;
	pushName: string;
	status: string;
	message: Record<string, unknown>;
	contextInfo?: Record<string, unknown>;
	messageType: string;
	messageTimestamp: number;
	instanceId: string;
	source: string;
}

/** Builds messageRaw with Evolution's key order; contextInfo only when present. */
export function messageRaw(fields: {
	key: MessageKey;
	pushName: string;
	status: string;
	message: Record<string, unknown>;
	contextInfo?: Record<string, unknown> | null;
	messageType: string;
	messageTimestamp: number;
	instanceId: string;
	source: string;
}): MessageRaw {
	const raw: Record<string, unknown> = {
		key: fields.key,
		pushName: fields.pushName,
		status: fields.status,
		message: fields.message,
	};
	if (fields.contextInfo) raw.contextInfo = fields.contextInfo;
	raw.messageType = fields.messageType;
	raw.messageTimestamp = fields.messageTimestamp;
	raw.instanceId = fields.instanceId;
	raw.source = fields.source;
	return raw as unknown as MessageRaw;
}

/** Stores the DB copy (a deep copy: later webhooks or responses must not alias it). */
export function storeMessage(instance: InstanceState, raw: MessageRaw): StoredMessage {
	const copy = JSON.parse(JSON.stringify(raw)) as MessageRaw;
	const row: StoredMessage = {
		id: cuid(),
		key: copy.key,
		pushName: copy.pushName,
		participant: null,
		messageType: copy.messageType,
		message: copy.message,
		contextInfo: copy.contextInfo ?? null,
		source: copy.source,
		messageTimestamp: copy.messageTimestamp,
		instanceId: copy.instanceId,
		status: copy.status,
		sessionId: null,
		updates: [],
	};
	instance.addMessage(row);
	return row;
}

/** Finds or creates the Chat row; `created` tells whether Baileys would report it as new. */
export function ensureChat(instance: InstanceState, remoteJid: string, name: string | null): { chat: ChatRow; created: boolean } {
	const existing = instance.chats.get(remoteJid);
	if (existing) return { chat: existing, created: false };
	const now = new Date();
	const chat: ChatRow = { id: cuid(), remoteJid, name, unreadMessages: 0, archived: false, createdAt: now, updatedAt: now };
	instance.chats.set(remoteJid, chat);
	return { chat, created: true };
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Media kinds whose file goes into data.message.base64 when webhookBase64 is on. */
export const MEDIA_TYPES = ['imageMessage', 'videoMessage', 'stickerMessage', 'documentMessage', 'documentWithCaptionMessage', 'ptvMessage', 'audioMessage'];

/** The webhook copy of messageRaw, with data.message.base64 when the instance webhook asks for it. */
export function withBase64(instance: InstanceState, raw: MessageRaw): MessageRaw {
	const blob = instance.media.get(raw.key.id);
	if (!instance.loadedWebhookBase64 || !blob || !MEDIA_TYPES.includes(raw.messageType)) return raw;
	return { ...raw, message: { ...raw.message, base64: blob.data.toString('base64') } };
}
