/**
 * The shapes of the answers the page reads. The OpenAPI document (api-schema.d.ts) types every path, parameter and
 * body; most of its answers are documented only as "Success", so these mirror the server's views
 * (server/src/inbox/conversations/conversation-view.ts, messages/message-view.ts, channels/channel-view.ts).
 */
export interface Workspace {
	id: string;
	name: string;
	slug: string;
}

export interface Attendant {
	id: string;
	email: string;
	name: string;
	role: 'admin' | 'agent';
	locale: string;
	isActive: boolean;
	lastSeenAt: string | null;
}

export interface SessionAnswer {
	token: string;
	expiresAt: string;
	user: Attendant;
	workspace: Workspace;
}

export interface Me {
	via: string;
	role: 'admin' | 'agent';
	user: Attendant | null;
	workspace: Workspace;
}

export type ConversationStatus = 'open' | 'pending' | 'resolved' | 'snoozed';

export interface Contact {
	id: string;
	name: string | null;
	pushName: string | null;
	phoneE164: string | null;
	waJid: string | null;
	avatarUrl: string | null;
	isGroup: boolean;
}

export interface Conversation {
	id: string;
	channelId: string;
	contactId: string;
	leadId: string | null;
	chatJid: string;
	isGroup: boolean;
	assigneeId: string | null;
	status: ConversationStatus;
	snoozedUntil: string | null;
	/** The AI auto-reply here: active, paused (an attendant acted), handed_off, off. */
	aiState: string;
	unreadCount: number;
	lastMessageAt: string | null;
	lastMessagePreview: string | null;
	lastMessageDirection: string | null;
	contactPresence: string | null;
	tags: string[];
	lastActivityAt: string;
	contact: Contact;
}

export interface TabCounts {
	mine: number;
	unassigned: number;
	all: number;
}

export interface ConversationPage {
	data: Conversation[];
	meta: { counts: TabCounts; countCap: number; nextCursor: string | null };
}

export interface Reaction {
	emoji: string;
	reactorJid: string;
	fromMe: boolean;
}

export interface Message {
	id: string;
	conversationId: string;
	channelId: string;
	waMessageId: string | null;
	clientMessageId: string | null;
	direction: 'inbound' | 'outbound' | 'internal';
	fromMe: boolean;
	type: string;
	body: string | null;
	/** media.id: the file in the media store (GET /api/v1/media/{id}); null until the server has it. */
	media: { id: string | null; url: string | null; mimeType: string | null; fileName: string | null; sizeBytes: number | null; durationSeconds: number | null } | null;
	details: Record<string, unknown> | null;
	quotedWaMessageId: string | null;
	reactionTargetWaMessageId: string | null;
	senderName: string | null;
	status: string;
	error: string | null;
	/** Outbox rows: why the last send failed, for machines (not_on_whatsapp, timeout, http_500…). */
	errorCode: string | null;
	/** Outbox rows: sends tried so far (at most five). */
	attempts: number;
	/** Held back by pacing ("Mensagens em fila para evitar bloqueio") until about expectedSendAt. */
	paced: boolean;
	expectedSendAt: string | null;
	sentByUserId: string | null;
	/** Queued by the AI auto-reply. */
	sentByAi?: boolean;
	/** A voice note's transcript (when the AI transcribed it). */
	transcript?: string | null;
	isEdited: boolean;
	isDeleted: boolean;
	waTimestamp: string | null;
	threadAt: string;
	createdAt: string;
	reactions: Reaction[];
}

export interface MessagePage {
	data: Message[];
	meta: { nextCursor: string | null };
}

export interface Channel {
	id: string;
	name: string;
	provider: string;
	instanceName: string;
	status: string;
	statusReason: string | null;
	statusMessage: { 'pt-BR': string; en: string } | null;
	needsPairing: boolean;
	/** The server created the Evolution instance: removing the channel deletes it unless asked to only detach. */
	instanceOwned: boolean;
	phoneE164: string | null;
	profileName: string | null;
	profilePictureUrl: string | null;
	connectedAt: string | null;
	lastEventAt: string | null;
	/** Free-form per channel; settings.outbox holds the pacing (server/src/outbox/outbox-settings.ts). */
	settings?: Record<string, unknown>;
	createdAt: string;
}
