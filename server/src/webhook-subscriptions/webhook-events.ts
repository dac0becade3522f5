import { createHash } from 'node:crypto';
import type { InboxEvent } from '../realtime/inbox-events';

/**
 * The events a webhook subscription may hear (the n8n WhatsApp Inbox Trigger's list). They are read off the realtime
 * events the server already announces, so every change the inbox pages see can reach a workflow too.
 */
export const WEBHOOK_EVENT_TYPES = [
	'message.received',
	'message.sent',
	'message.status_changed',
	'conversation.created',
	'conversation.assigned',
	'conversation.status_changed',
	'lead.created',
	'lead.updated',
	'channel.connected',
	'channel.disconnected',
	'sync.finished',
	'ai.handed_off',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** One event as the subscriptions hear it, before it is addressed to any of them. */
export interface WebhookEvent {
	/** Stable for the same fact (a message received, a status reached): two announcements of it make one delivery. */
	id: string;
	type: WebhookEventType;
	occurredAt: string;
	channelId: string | null;
	conversationId: string | null;
	data: Record<string, unknown>;
}

/** Statuses a receiver hears about as "message status changed" (sent is its own event). */
const STATUS_EVENTS = new Set(['delivered', 'read', 'played', 'failed']);
/** An outbound message reaching one of these has left the server: WhatsApp accepted it (from the outbox or the phone). */
const SENT_STATUSES = new Set(['sent', 'server_ack']);
/**
 * A message delivered was sent, one read was delivered, one played was read. When its receipts arrive together (in one
 * batch, or before the outbox recorded the send: they wait and are applied with it as one change) or the delivery
 * receipt never comes, the row jumps past those statuses. Each is still announced, so a receiver counting sends and
 * deliveries counts every message read; the ids are the ones those facts get on their own, so one already announced
 * makes no second delivery.
 */
const IMPLIED_STATUSES: Partial<Record<string, string[]>> = { delivered: [], read: ['delivered'], played: ['delivered', 'read'] };
const SYNC_ENDED = new Set(['completed', 'cancelled', 'failed']);
const DISCONNECTED = new Set(['disconnected', 'logged_out']);

/**
 * An id made from what the event is about (e.g. "message.status_changed:<message>:read"), the same in every replica
 * that maps it; facts that can happen again (a lead updated twice) get a random part instead.
 */
function eventId(workspaceId: string, key: string): string {
	const hex = createHash('sha256').update(`${workspaceId}|${key}`).digest('hex');
	// Shaped as a UUID (version 8: custom) so it fits the uuid column and reads like the other ids.
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const uniqueKey = (event: InboxEvent) => `${event.type}:${event.at}:${Math.random().toString(36).slice(2)}`;

type Message = { id?: string; direction?: string; status?: string; fromMe?: boolean };

/**
 * Maps one batch of realtime events (what one commit announced) to webhook events. A batch is passed whole so an
 * assignment or a status change carries the conversation view announced beside it.
 */
export function webhookEventsOf(workspaceId: string, events: InboxEvent[]): WebhookEvent[] {
	const conversations = new Map<string, unknown>();
	for (const event of events) {
		if ((event.type === 'conversation.updated' || event.type === 'conversation.created') && event.conversationId) conversations.set(event.conversationId, event.data.conversation);
	}
	const out: WebhookEvent[] = [];
	const seen = new Set<string>();
	for (const event of events) {
		const base = { occurredAt: new Date(event.at ?? Date.now()).toISOString(), channelId: event.channelId ?? null, conversationId: event.conversationId ?? null };
		const add = (type: WebhookEventType, key: string, data: Record<string, unknown>) => {
			const id = eventId(workspaceId, key);
			// The same fact twice in one batch (a status announced, then implied by the next receipt) is one event.
			if (seen.has(id)) return;
			seen.add(id);
			out.push({ id, type, ...base, data });
		};
		switch (event.type) {
			case 'message.created':
			case 'message.updated': {
				const message = event.data.message as Message | undefined;
				if (!message?.id) break;
				if (event.type === 'message.created' && message.direction === 'inbound') add('message.received', `message.received:${message.id}`, { message });
				if (message.direction !== 'outbound') break;
				const implied = message.status ? IMPLIED_STATUSES[message.status] : undefined;
				if (message.status && (SENT_STATUSES.has(message.status) || implied)) add('message.sent', `message.sent:${message.id}`, { message });
				if (message.status && STATUS_EVENTS.has(message.status)) {
					for (const status of [...(implied ?? []), message.status]) {
						add('message.status_changed', `message.status_changed:${message.id}:${status}`, { message, status });
					}
				}
				break;
			}
			case 'conversation.created':
				if (event.conversationId) add('conversation.created', `conversation.created:${event.conversationId}`, { conversation: event.data.conversation });
				break;
			case 'assignee.changed':
				add('conversation.assigned', uniqueKey(event), { ...event.data, conversation: conversations.get(event.conversationId ?? '') ?? null });
				break;
			case 'conversation.status_changed':
				add('conversation.status_changed', uniqueKey(event), { ...event.data, conversation: conversations.get(event.conversationId ?? '') ?? null });
				break;
			case 'lead.created':
			case 'lead.updated': {
				// The API announces the lead itself; ingest's attribution only its id (the dispatcher reads the lead then).
				const lead = event.data.lead as { id?: string } | undefined;
				const leadId = lead?.id ?? (typeof event.data.id === 'string' ? event.data.id : undefined);
				const data = lead ? { lead } : { leadId, contactId: event.data.contactId ?? null, matchMethod: event.data.matchMethod ?? null };
				if (event.type === 'lead.created') add('lead.created', leadId ? `lead.created:${leadId}` : uniqueKey(event), data);
				else add('lead.updated', uniqueKey(event), data);
				break;
			}
			case 'channel.updated': {
				const channel = event.data as { id?: string; status?: string; statusChangedAt?: string | null };
				const key = `${event.channelId ?? channel.id}:${channel.statusChangedAt ?? event.at}`;
				if (channel.status === 'connected') add('channel.connected', `channel.connected:${key}`, { channel });
				else if (channel.status && DISCONNECTED.has(channel.status)) add('channel.disconnected', `channel.disconnected:${key}`, { channel });
				break;
			}
			case 'sync.progress': {
				const run = event.data.run as { id?: string; status?: string } | undefined;
				if (run?.id && run.status && SYNC_ENDED.has(run.status)) add('sync.finished', `sync.finished:${run.id}`, { run });
				break;
			}
			case 'conversation.ai_changed':
				// The AI gave the conversation to a person (keyword, its hand_off tool, a provider failure): data.reason says why.
				if (event.data.aiState === 'handed_off') add('ai.handed_off', uniqueKey(event), { ...event.data, conversation: conversations.get(event.conversationId ?? '') ?? null });
				break;
		}
	}
	return out;
}
