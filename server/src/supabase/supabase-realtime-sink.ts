import type { SupabaseClient } from '@supabase/supabase-js';
import { channelOf, type InboxEvent, type RealtimeSink, workspaceChannel } from '../realtime/inbox-events';

/**
 * Also broadcasts every realtime event on Supabase Realtime, on channels named as on our WebSocket
 * (whatsapp.workspace.{id}, whatsapp.conversation.{id}, whatsapp.user.{id}), so front ends built on Supabase can
 * listen without our socket. Sent over Realtime's HTTP broadcast endpoint: no socket to keep open per channel.
 * Conversation events go on the conversation's channel and the workspace's (the list needs them too).
 */
export class SupabaseRealtimeSink implements RealtimeSink {
	constructor(
		private readonly client: SupabaseClient,
		private readonly privateChannels: boolean,
	) {}

	async send(workspaceId: string, events: InboxEvent[]): Promise<void> {
		const sends: Array<Promise<unknown>> = [];
		for (const event of events) {
			const payload = { event: event.type, workspaceId, conversationId: event.conversationId ?? null, data: event.data, at: event.at };
			const topics = new Set([channelOf(workspaceId, event)]);
			if (!event.recipientUserId) topics.add(workspaceChannel(workspaceId));
			for (const topic of topics) sends.push(this.broadcast(topic, event.type, payload));
		}
		const results = await Promise.allSettled(sends);
		const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
		if (failed) throw new Error(`Supabase Realtime broadcast failed: ${(failed.reason as Error).message}`);
	}

	private async broadcast(topic: string, event: string, payload: Record<string, unknown>): Promise<void> {
		const channel = this.client.channel(topic, { config: { private: this.privateChannels } });
		try {
			await channel.httpSend(event, payload);
		} finally {
			await this.client.removeChannel(channel);
		}
	}
}
