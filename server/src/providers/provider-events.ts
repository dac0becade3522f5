/**
 * Provider-neutral events: what every provider normaliser (Evolution, WAHA) turns a webhook into, and the only
 * thing the ingest pipeline persists. Nothing here knows a provider's wire format.
 */

export const MESSAGE_TYPES = ['text', 'image', 'video', 'audio', 'document', 'sticker', 'reaction', 'location', 'contact', 'poll', 'note', 'system', 'unknown'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** Delivery states in the order acks move them (see whatsapp_message_status_rank in the schema). */
export const MESSAGE_STATUSES = ['queued', 'sent', 'failed', 'server_ack', 'delivered', 'read', 'played'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export function messageStatusRank(status: MessageStatus): number {
	return MESSAGE_STATUSES.indexOf(status);
}

/** Who the chat is with. jid is where replies go: the phone-number JID when known, else the @lid, or the group JID. */
export interface ChatIdentity {
	jid: string;
	lid?: string;
	/** Canonical E.164, for 1:1 chats whose phone number is known. */
	phone?: string;
	isGroup: boolean;
}

export interface MediaReference {
	url?: string;
	mimeType?: string;
	fileName?: string;
	sizeBytes?: number;
	durationSeconds?: number;
	/** Hex SHA-256 of the file as WhatsApp states it (fileSha256). */
	sha256?: string;
	/**
	 * The file, base64, when the webhook carries it (Evolution's webhook base64 option). A getter, so the blob never
	 * travels with the event when it is serialised (audit, realtime, logs); only media/ calls it.
	 */
	inlineBase64?: () => string;
}

/** Click-to-WhatsApp ad data found in a message (contextInfo.externalAdReply). */
export interface AdReferral {
	ctwaClid?: string;
	sourceId?: string;
	sourceType?: string;
	sourceUrl?: string;
	headline?: string;
	body?: string;
	raw: Record<string, unknown>;
}

export interface IncomingMessage {
	waMessageId: string;
	chat: ChatIdentity;
	fromMe: boolean;
	/** The WhatsApp display name of the author (not of us). */
	pushName?: string;
	/** Group messages: the participant who wrote it. */
	sender?: { jid: string; name?: string };
	type: MessageType;
	body?: string;
	media?: MediaReference;
	details?: Record<string, unknown>;
	quotedWaMessageId?: string;
	reaction?: { targetWaMessageId: string; emoji: string };
	status: MessageStatus;
	timestamp: Date;
	referral?: AdReferral;
	/** Imported from history sync: stored, but does not bump unread counts or reopen conversations. */
	history: boolean;
}

export type ConnectionState = 'connecting' | 'open' | 'close' | 'refused';
export type Presence = 'available' | 'unavailable' | 'composing' | 'recording';

export type ProviderEvent =
	| { kind: 'message'; message: IncomingMessage }
	| { kind: 'message.status'; waMessageId: string; status: MessageStatus }
	| { kind: 'message.edit'; waMessageId: string; body: string; editedAt: Date }
	| { kind: 'message.delete'; waMessageId: string; deletedAt: Date }
	| { kind: 'presence'; chatJid: string; participantJid: string; presence: Presence; lastSeen?: Date }
	// `at`: when the provider says it happened (its own clock): connection facts arrive out of order and are
	// compared by it (channels/channel-status.ts).
	| { kind: 'connection'; state: ConnectionState; statusReason?: number; wuid?: string; profileName?: string; profilePictureUrl?: string | null; at?: Date }
	| { kind: 'qrcode'; code?: string; image?: string; pairingCode?: string | null; at?: Date }
	| { kind: 'qrcode.limit'; reason: string; at?: Date }
	| { kind: 'contact'; chat: ChatIdentity; name?: string; avatarUrl?: string | null };

export type ProviderEventKind = ProviderEvent['kind'];
