import type { RealtimeEvent, RealtimePublisher } from './publisher';

/**
 * The realtime events the inbox pages hear: ingest's (see publisher.ts) plus the attendance ones the REST API and the
 * hub add. Names follow Chatwoot's, which attendants' tools already know.
 */
export type InboxEventType =
	| RealtimeEvent['type']
	| 'conversation.typing_on'
	| 'conversation.typing_off'
	| 'conversation.status_changed'
	| 'assignee.changed'
	/** Proactive sends held back by pacing: which, until when, and the sentence to show the sender. */
	| 'message.paced'
	/** The AI auto-reply's state of a conversation changed (active, paused, handed_off, off), with the reason. */
	| 'conversation.ai_changed'
	/** A row that is no more: the early copy of a send's echo, folded into the send's own row. */
	| 'message.removed';

export interface InboxEvent {
	type: InboxEventType;
	channelId?: string;
	conversationId?: string;
	/** Set when only this attendant may hear it (the bell); everyone else in the workspace is left out. */
	recipientUserId?: string;
	data: Record<string, unknown>;
	/** Epoch ms when the change was committed. */
	at: number;
}

/** Ingest's publisher port, widened to the inbox events; every implementation here satisfies both. */
export interface InboxPublisher extends RealtimePublisher {
	publish(workspaceId: string, events: InboxEvent[]): Promise<void>;
}

/** Where a published event goes next: Redis pub/sub (to every replica's sockets), Supabase Realtime broadcast. */
export interface RealtimeSink {
	send(workspaceId: string, events: InboxEvent[]): Promise<void>;
}

/** Channel names, the same on our WebSocket and on Supabase Realtime. */
export const workspaceChannel = (workspaceId: string) => `whatsapp.workspace.${workspaceId}`;
export const conversationChannel = (conversationId: string) => `whatsapp.conversation.${conversationId}`;
export const userChannel = (userId: string) => `whatsapp.user.${userId}`;

/** The most specific channel an event belongs on. */
export function channelOf(workspaceId: string, event: InboxEvent): string {
	if (event.recipientUserId) return userChannel(event.recipientUserId);
	if (event.conversationId) return conversationChannel(event.conversationId);
	return workspaceChannel(workspaceId);
}

export function inboxEvent(type: InboxEventType, fields: Omit<InboxEvent, 'type' | 'at'>): InboxEvent {
	return { type, ...fields, at: Date.now() };
}
