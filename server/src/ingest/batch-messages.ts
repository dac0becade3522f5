import type { MessageWrite, MessageWriteResult } from '../messages/message-batch-write';
import type { RealtimeEvent } from '../realtime/publisher';
import type { Delivery } from './delivery';

/** Records a realtime event caused by delivery number `delivery` (which makes that delivery 'processed'). */
export type Emit = (delivery: number, workspaceId: string, event: Omit<RealtimeEvent, 'at'>) => void;

/** A delivery carrying only chat messages (messages.upsert); the other events (acks, presence…) go through the transaction. */
export function isMessageDelivery(delivery: Delivery): boolean {
	return delivery.events.length > 0 && delivery.events.every((e) => e.kind === 'message');
}

/** The chat messages of these deliveries (by index in the batch), each WhatsApp message once: a repeat within the batch adds nothing. */
export function messageWrites(deliveries: Delivery[], indices: number[]): MessageWrite[] {
	const writes: MessageWrite[] = [];
	const seen = new Set<string>();
	for (const index of indices) {
		const d = deliveries[index];
		for (const e of d.events) {
			if (e.kind !== 'message') continue;
			const key = `${d.workspaceId}|${d.channelId}|${e.message.waMessageId}`;
			if (seen.has(key)) continue;
			seen.add(key);
			writes.push({ delivery: index, workspaceId: d.workspaceId, channelId: d.channelId, message: e.message });
		}
	}
	return writes;
}

/**
 * The realtime events of what writeMessages stored: each message created or moved forward, then each conversation it
 * changed (created when `createdConversations` says so) with its unread count, and the assignee's bell.
 */
export function emitMessageWrites(writes: MessageWrite[], result: MessageWriteResult, emit: Emit, createdConversations: ReadonlySet<string> = new Set()): void {
	result.items.forEach((item, i) => {
		if (!item.stored) return;
		const { inserted, ...message } = item.stored;
		const write = writes[i];
		emit(write.delivery, write.workspaceId, {
			channelId: write.channelId,
			conversationId: message.conversationId,
			type: inserted ? 'message.created' : 'message.updated',
			data: { message },
		});
	});
	const workspaceOf = new Map(writes.map((w) => [w.delivery, w.workspaceId]));
	for (const { conversation, delivery, bell } of result.conversations) {
		const workspaceId = workspaceOf.get(delivery) as string;
		const base = { channelId: conversation.channelId, conversationId: conversation.id };
		emit(delivery, workspaceId, { ...base, type: createdConversations.has(conversation.id) ? 'conversation.created' : 'conversation.updated', data: { conversation } });
		emit(delivery, workspaceId, { ...base, type: 'conversation.unread_count_changed', data: { conversationId: conversation.id, unreadCount: conversation.unreadCount } });
		if (bell) emit(delivery, workspaceId, { conversationId: conversation.id, recipientUserId: bell.userId, type: 'notification.created', data: { notification: bell } });
	}
}
