import type { Db } from '../db/db';
import { findLead } from '../inbox/leads/leads';
import type { Logger } from '../logging/logger';
import type { InboxEvent, RealtimeSink } from '../realtime/inbox-events';
import type { WebhookDeliveryQueue } from './webhook-delivery-queue';
import { insertDeliveries, type NewDelivery } from './webhook-deliveries';
import { webhookEventsOf, type WebhookEvent } from './webhook-events';
import { activeSubscriptions } from './webhook-subscriptions';

/** The chat an event happened in, so a receiver can filter (groups, only these chats) without asking back. */
interface ChatInfo {
	jid: string;
	isGroup: boolean;
	phone: string | null;
	name: string | null;
}

/**
 * A realtime sink on the server's publisher: every announced change (ingest, REST API, outbox, sync, channels) is
 * mapped to webhook events and, for each active subscription that asked for it, written as a delivery row and queued.
 * The sink sits in the process that made the change, so each event is fanned out once, not once per replica. It never
 * makes the publishing write wait: the fan-out runs on its own and logs its failures.
 */
export class WebhookDispatcher implements RealtimeSink {
	private readonly inFlight = new Set<Promise<void>>();

	constructor(private readonly deps: { db: Db; logger: Logger; queue: WebhookDeliveryQueue }) {}

	async send(workspaceId: string, events: InboxEvent[]): Promise<void> {
		const mapped = webhookEventsOf(workspaceId, events);
		if (!mapped.length) return;
		const work: Promise<void> = this.dispatch(workspaceId, mapped)
			.then(() => undefined)
			.catch((error: Error) => this.deps.logger.warn({ err: error.message, workspaceId }, 'webhook fan-out failed'))
			.finally(() => this.inFlight.delete(work));
		this.inFlight.add(work);
	}

	/** Writes and queues the deliveries of these events; answers how many were queued. */
	async dispatch(workspaceId: string, events: WebhookEvent[]): Promise<number> {
		const { db, queue } = this.deps;
		const subscriptions = await activeSubscriptions(db, workspaceId);
		if (!subscriptions.length) return 0;
		const wanted = (types: string[], type: string) => types.length === 0 || types.includes(type);
		if (!events.some((event) => subscriptions.some((s) => wanted(s.events, event.type)))) return 0;
		const chats = await this.chats(workspaceId, [...new Set(events.map((e) => e.conversationId).filter((id): id is string => Boolean(id)))]);
		await this.withLeads(workspaceId, events);
		const deliveries: NewDelivery[] = [];
		for (const event of events) {
			const payload = {
				id: event.id,
				type: event.type,
				occurredAt: event.occurredAt,
				workspaceId,
				channelId: event.channelId,
				conversationId: event.conversationId,
				chat: (event.conversationId && chats.get(event.conversationId)) || null,
				data: event.data,
			};
			for (const subscription of subscriptions) {
				if (wanted(subscription.events, event.type)) deliveries.push({ subscriptionId: subscription.id, eventId: event.id, eventType: event.type, payload });
			}
		}
		const written = await insertDeliveries(db, workspaceId, deliveries);
		await queue.enqueue(
			workspaceId,
			written.map((row) => row.id),
		);
		return written.length;
	}

	/** Lead events announced with the lead's id only (ingest's attribution) carry the lead as the API shows it. */
	private async withLeads(workspaceId: string, events: WebhookEvent[]): Promise<void> {
		for (const event of events) {
			if (!event.type.startsWith('lead.') || event.data.lead || typeof event.data.leadId !== 'string') continue;
			const { leadId, ...rest } = event.data;
			event.data = { ...rest, lead: (await findLead(this.deps.db, workspaceId, leadId)) ?? { id: leadId } };
		}
	}

	private async chats(workspaceId: string, conversationIds: string[]): Promise<Map<string, ChatInfo>> {
		if (!conversationIds.length) return new Map();
		const { rows } = await this.deps.db.query<ChatInfo & { id: string }>(
			`SELECT c.id, c.chat_jid AS jid, c.is_group AS "isGroup", ct.phone_e164 AS phone, COALESCE(ct.name, ct.push_name) AS name
			 FROM whatsapp_conversations c JOIN contacts ct ON ct.id = c.contact_id AND ct.workspace_id = c.workspace_id
			 WHERE c.workspace_id = $1 AND c.id = ANY($2::uuid[])`,
			[workspaceId, conversationIds],
		);
		return new Map(rows.map(({ id, ...chat }) => [id, chat]));
	}

	/** Waits for the fan-outs under way (the server stops after them, so no announced event is dropped half-written). */
	async drain(): Promise<void> {
		while (this.inFlight.size) await Promise.all([...this.inFlight]);
	}
}
