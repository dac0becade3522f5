import type { WebSocket } from 'ws';
import type { Caller } from '../auth/caller';
import { conversationChannel, type InboxEvent, userChannel, workspaceChannel } from './inbox-events';

/** One open socket: who it is (once authenticated) and what it listens to. */
export interface SocketClient {
	socket: WebSocket;
	caller: Caller | null;
	channels: Set<string>;
}

/** What a socket receives for each event. */
export interface EventFrame {
	type: 'event';
	channel: string;
	event: InboxEvent['type'];
	conversationId?: string;
	data: Record<string, unknown>;
	at: number;
}

const isTyping = (event: InboxEvent) => event.type === 'conversation.typing_on' || event.type === 'conversation.typing_off';

/**
 * The sockets of this replica. Every replica gets every event from Redis and hands each one only to the sockets
 * of that workspace that subscribed to it: the workspace channel (the list), one conversation's channel (the open
 * thread), or the attendant's own channel (the bell), once each even when several match.
 */
export class RealtimeHub {
	private readonly clients = new Set<SocketClient>();

	add(client: SocketClient): void {
		this.clients.add(client);
	}

	remove(client: SocketClient): void {
		this.clients.delete(client);
	}

	get size(): number {
		return this.clients.size;
	}

	sockets(): SocketClient[] {
		return [...this.clients];
	}

	deliver(workspaceId: string, event: InboxEvent): void {
		for (const client of this.clients) {
			const caller = client.caller;
			if (!caller || caller.workspaceId !== workspaceId) continue;
			const channel = this.channelFor(client, caller, workspaceId, event);
			if (!channel) continue;
			const typist = event.data.typist as { kind?: string; userId?: string } | undefined;
			// The attendant who types does not need to hear about it.
			if (isTyping(event) && typist?.kind === 'user' && typist.userId === caller.userId) continue;
			const frame: EventFrame = { type: 'event', channel, event: event.type, conversationId: event.conversationId, data: event.data, at: event.at };
			if (client.socket.readyState === client.socket.OPEN) client.socket.send(JSON.stringify(frame));
		}
	}

	private channelFor(client: SocketClient, caller: Caller, workspaceId: string, event: InboxEvent): string | undefined {
		if (event.recipientUserId) return caller.userId === event.recipientUserId ? userChannel(event.recipientUserId) : undefined;
		if (event.conversationId && client.channels.has(conversationChannel(event.conversationId))) return conversationChannel(event.conversationId);
		if (client.channels.has(workspaceChannel(workspaceId))) return workspaceChannel(workspaceId);
		return undefined;
	}
}
