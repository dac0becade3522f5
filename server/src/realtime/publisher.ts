/**
 * What the inbox pages hear about: every change ingest (and later the REST API, outbox, AI) makes, per workspace.
 * Names follow Chatwoot's (message.created, conversation.updated…), which attendants' tools already know.
 */
export interface RealtimeEvent {
	type:
		| 'message.created'
		| 'message.updated'
		| 'message.reaction'
		| 'conversation.created'
		| 'conversation.updated'
		| 'conversation.unread_count_changed'
		| 'notification.created'
		| 'contact.created'
		| 'contact.updated'
		| 'lead.created'
		| 'lead.updated'
		| 'presence.update'
		| 'channel.updated'
		| 'channel.qr'
		| 'channel.alert'
		| 'channel.log'
		| 'channel.removed'
		| 'sync.progress';
	channelId?: string;
	conversationId?: string;
	/** Set when only this attendant may hear it (the bell). */
	recipientUserId?: string;
	data: Record<string, unknown>;
	/** Epoch ms when the change was committed. */
	at: number;
}

/** The port ingest publishes through; the realtime hub plugs Redis pub/sub + WebSocket in behind it. */
export interface RealtimePublisher {
	publish(workspaceId: string, events: RealtimeEvent[]): Promise<void>;
}

export type RealtimeListener = (workspaceId: string, event: RealtimeEvent) => void;
