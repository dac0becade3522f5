import type { Db } from '../db/db';
import { findLead } from '../inbox/leads/leads';
import type { Logger } from '../logging/logger';
import type { InboxEvent, RealtimeSink } from '../realtime/inbox-events';
import type { WebhookDeliveryQueue } from './webhook-delivery-queue';
import { insertDeliveries, type NewDelivery } from './webhook-deliveries';
import { webhookEventsOf, type WebhookEvent } from './webhook-events';
import { activeSubscriptions } from './webhook-subscriptions';

/** How long a message no send of ours made waits for a pending send of its conversation to be answered, at most. */
const ECHO_HOLD_MS = 30_000;
const ECHO_LOOK_EVERY_MS = 250;

/** Whether a subscription to `types` hears events of `type` (none listed: every event). */
const wanted = (types: string[], type: string) => types.length === 0 || types.includes(type);

/** An event about an outbound message that no send of ours made (yet): see WebhookDispatcher.settleEchoes. */
function isUnclaimedEcho(event: WebhookEvent): boolean {
	const message = event.data.message as { id?: string; direction?: string; origin?: string | null } | undefined;
	return (event.type === 'message.sent' || event.type === 'message.status_changed') && Boolean(message?.id) && message?.direction === 'outbound' && !message.origin;
}

/** The conversations some of these events are about, each once. */
const conversationIdsOf = (events: WebhookEvent[]): string[] => [...new Set(events.map((e) => e.conversationId).filter((id): id is string => Boolean(id)))];

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
	private closing = false;

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
		const { db } = this.deps;
		const subscriptions = await activeSubscriptions(db, workspaceId);
		if (!subscriptions.length) return 0;
		const heard = (event: WebhookEvent) => subscriptions.some((s) => wanted(s.events, event.type));
		if (!events.some(heard)) return 0;
		const echoes = events.filter((event) => isUnclaimedEcho(event) && heard(event));
		if (echoes.length) {
			const rest = events.filter((event) => !echoes.includes(event));
			const [now, later] = await Promise.all([this.deliver(workspaceId, rest, subscriptions), this.settleEchoes(workspaceId, echoes)]);
			return now + (later.length ? await this.deliver(workspaceId, later, await activeSubscriptions(db, workspaceId)) : 0);
		}
		return this.deliver(workspaceId, events, subscriptions);
	}

	/**
	 * Holds the events of outbound messages that no send of ours made (origin unset: typed on the phone, or a
	 * `send.message` echo stored before the outbox knew the send's WhatsApp id) while a send of the same conversation is
	 * still waiting for its answer. Evolution posts a send's echo and acks about when it answers, so under load they
	 * often come first: stored as a row of their own, which the outbox folds into the send's row once the answer
	 * arrives (deleting it). Announcing that copy would tell a receiver of one message twice, under two ids. Answers the
	 * events whose message is still there when no send is pending (or after the hold's bound, or when the server stops).
	 */
	private async settleEchoes(workspaceId: string, events: WebhookEvent[]): Promise<WebhookEvent[]> {
		const { db } = this.deps;
		const conversations = conversationIdsOf(events);
		const deadline = Date.now() + ECHO_HOLD_MS;
		while (!this.closing && Date.now() < deadline) {
			const { rows } = await db.query<{ pending: boolean }>(
				`SELECT EXISTS (SELECT 1 FROM whatsapp_messages m
					WHERE m.workspace_id = $1 AND m.conversation_id = ANY($2::uuid[]) AND m.direction = 'outbound' AND m.origin IS NOT NULL
						AND m.wa_message_id IS NULL AND m.status = 'queued' AND (m.sending_since IS NOT NULL OR m.send_in_doubt)) AS pending`,
				[workspaceId, conversations],
			);
			if (!rows[0]?.pending) break;
			await new Promise((resolve) => setTimeout(resolve, ECHO_LOOK_EVERY_MS));
		}
		const ids = [...new Set(events.map((e) => (e.data.message as { id: string }).id))];
		const { rows } = await db.query<{ id: string }>(`SELECT id FROM whatsapp_messages WHERE workspace_id = $1 AND id = ANY($2::uuid[])`, [workspaceId, ids]);
		const remaining = new Set(rows.map((row) => row.id));
		return events.filter((e) => remaining.has((e.data.message as { id: string }).id));
	}

	private async deliver(workspaceId: string, events: WebhookEvent[], subscriptions: Awaited<ReturnType<typeof activeSubscriptions>>): Promise<number> {
		const { db, queue } = this.deps;
		if (!events.length || !subscriptions.length) return 0;
		const chats = await this.chats(workspaceId, conversationIdsOf(events));
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

	/**
	 * Waits for the fan-outs under way (the server stops after them, so no announced event is dropped half-written);
	 * messages held for a pending send are looked at once more and announced if still there.
	 */
	async drain(): Promise<void> {
		this.closing = true;
		while (this.inFlight.size) await Promise.all([...this.inFlight]);
	}
}
