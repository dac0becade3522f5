import { contactKey, upsertContacts, type ContactInput, type ResolvedContact } from '../contacts/contact-upsert';
import { updateContactProfile } from '../contacts/contact-profile';
import { applyChannelEvent } from '../channels/channel-state';
import { recordPresence } from '../conversations/contact-presence';
import { applyConversationActivity, type ConversationActivity, type Statement } from '../conversations/conversation-activity';
import { conversationKey, upsertConversations } from '../conversations/conversation-upsert';
import type { Tx } from '../db/db';
import { attributeLeads, recordReferral } from '../leads/lead-attribution';
import { insertMessages } from '../messages/message-insert';
import { lockMessageIds, type MessageRef } from '../messages/message-locks';
import { messagePreview } from '../messages/message-preview';
import { applyReaction } from '../messages/message-reactions';
import { applyDelete, applyEdit, applyStatus } from '../messages/message-updates';
import { refKey } from '../messages/pending-message-updates';
import type { IncomingMessage } from '../providers/provider-events';
import type { RealtimeEvent } from '../realtime/publisher';
import type { Delivery, DeliveryOutcome } from './delivery';

export interface PersistResult {
	outcomes: DeliveryOutcome[];
	/** Per workspace, in the order the changes were made; `at` is stamped when published. */
	events: Array<{ workspaceId: string; event: Omit<RealtimeEvent, 'at'> }>;
}

/** Per conversation: its new messages in this batch, and the delivery its conversation event is announced with. */
type Activity = Map<string, { items: MessageItem[]; created: boolean; delivery: number }>;

interface MessageItem {
	delivery: number;
	ref: MessageRef;
	message: IncomingMessage;
}

/**
 * Writes a batch of deliveries in the caller's transaction: contacts, leads, conversations and messages for every
 * chat message (set-based, a handful of statements per batch), then acks / edits / deletes, presence and channel
 * state, then one audit row per delivery. Idempotent: a delivery already applied changes nothing the second time.
 */
export async function persistDeliveries(tx: Tx, deliveries: Delivery[]): Promise<PersistResult> {
	const changed = deliveries.map(() => false);
	const events: PersistResult['events'] = [];
	const emit = (delivery: number, workspaceId: string, event: Omit<RealtimeEvent, 'at'>) => {
		changed[delivery] = true;
		events.push({ workspaceId, event });
	};

	const items: MessageItem[] = [];
	const seen = new Set<string>();
	const updateRefs: MessageRef[] = [];
	deliveries.forEach((d, index) => {
		for (const e of d.events) {
			if (e.kind === 'message') {
				const ref = { workspaceId: d.workspaceId, channelId: d.channelId, waMessageId: e.message.waMessageId };
				if (seen.has(refKey(ref))) continue;
				seen.add(refKey(ref));
				items.push({ delivery: index, ref, message: e.message });
			} else if (e.kind === 'message.status' || e.kind === 'message.edit' || e.kind === 'message.delete') {
				updateRefs.push({ workspaceId: d.workspaceId, channelId: d.channelId, waMessageId: e.waMessageId });
			}
		}
	});
	await lockMessageIds(tx, [...items.map((i) => i.ref), ...updateRefs]);

	const activity = items.length ? await persistMessages(tx, deliveries, items, emit) : new Map();

	for (const [index, d] of deliveries.entries()) {
		for (const e of d.events) {
			const ref = { workspaceId: d.workspaceId, channelId: d.channelId, waMessageId: 'waMessageId' in e ? e.waMessageId : '' };
			const base = { channelId: d.channelId };
			if (e.kind === 'message.status') {
				const row = await applyStatus(tx, ref, e.status);
				if (row) emit(index, d.workspaceId, { ...base, type: 'message.updated', conversationId: row.conversation_id, data: row });
			} else if (e.kind === 'message.edit') {
				const row = await applyEdit(tx, ref, e.body, e.editedAt);
				if (row) emit(index, d.workspaceId, { ...base, type: 'message.updated', conversationId: row.conversation_id, data: row });
			} else if (e.kind === 'message.delete') {
				const row = await applyDelete(tx, ref, e.deletedAt);
				if (row) emit(index, d.workspaceId, { ...base, type: 'message.updated', conversationId: row.conversation_id, data: row });
			} else if (e.kind === 'presence') {
				const conversation = await recordPresence(tx, d.workspaceId, d.channelId, e.chatJid, e.presence);
				emit(index, d.workspaceId, {
					...base,
					type: 'presence.update',
					conversationId: conversation?.id,
					data: { chatJid: e.chatJid, participantJid: e.participantJid, presence: e.presence, lastSeen: e.lastSeen?.toISOString() },
				});
			} else if (e.kind === 'connection' || e.kind === 'qrcode' || e.kind === 'qrcode.limit') {
				const channel = await applyChannelEvent(tx, d.workspaceId, d.channelId, e);
				if (channel) emit(index, d.workspaceId, { ...base, type: e.kind === 'connection' ? 'channel.updated' : 'channel.qrcode', data: channel });
			} else if (e.kind === 'contact') {
				const contact = await updateContactProfile(tx, d.workspaceId, e.chat, { name: e.name, avatarUrl: e.avatarUrl });
				if (contact) emit(index, d.workspaceId, { ...base, type: 'contact.updated', data: contact });
			}
		}
	}

	const outcomes = deliveries.map((d, i): DeliveryOutcome => (changed[i] ? 'processed' : d.events.length ? 'duplicate' : 'ignored'));
	// Conversation-level events go to deliveries that already changed something, so the outcomes are final here.
	await finishBatch(tx, activity, auditRows(deliveries, outcomes), emit);
	return { outcomes, events };
}

async function persistMessages(
	tx: Tx,
	deliveries: Delivery[],
	items: MessageItem[],
	emit: (delivery: number, workspaceId: string, event: Omit<RealtimeEvent, 'at'>) => void,
): Promise<Activity> {
	const channelOf = (item: MessageItem) => deliveries[item.delivery].channelId;

	// Contacts: the person's push name only comes from what they sent.
	const contactInputs: ContactInput[] = items.map((i) => ({ workspaceId: i.ref.workspaceId, chat: i.message.chat, pushName: i.message.fromMe ? undefined : i.message.pushName }));
	const contacts = await upsertContacts(tx, contactInputs);
	const contactOf = (item: MessageItem) => contacts.get(contactKey(item.ref.workspaceId, item.message.chat))!;
	for (const item of items) {
		const contact = contactOf(item);
		if (contact.created) {
			contact.created = false; // announce once
			emit(item.delivery, item.ref.workspaceId, { channelId: channelOf(item), type: 'contact.created', data: { ...contact.row } });
		}
	}

	const leads = await linkLeads(tx, items, contactOf, channelOf, emit);

	// Conversations.
	const conversations = await upsertConversations(
		tx,
		items.map((item) => {
			const contact = contactOf(item).row;
			return {
				workspaceId: item.ref.workspaceId,
				channelId: channelOf(item),
				contactId: contact.id,
				leadId: leads.get(contact.id),
				chatJid: item.message.chat.jid,
				chatLid: item.message.chat.lid,
				isGroup: item.message.chat.isGroup,
			};
		}),
	);
	const conversationOf = (item: MessageItem) => conversations.get(conversationKey(item.ref.workspaceId, channelOf(item), contactOf(item).row.id))!;

	// Messages, with the acks / edits / deletes that arrived before them folded in.
	const stored = await insertMessages(
		tx,
		items.map((item) => ({ workspaceId: item.ref.workspaceId, channelId: channelOf(item), conversationId: conversationOf(item).row.id, message: item.message })),
	);
	const storedByRef = new Map(stored.map((row) => [refKey({ workspaceId: row.workspace_id, channelId: row.channel_id, waMessageId: row.wa_message_id }), row]));

	const activity: Activity = new Map();
	for (const item of items) {
		const row = storedByRef.get(refKey(item.ref));
		if (!row) continue;
		const { inserted, ...message } = row;
		const conversation = conversationOf(item);
		emit(item.delivery, item.ref.workspaceId, { channelId: channelOf(item), conversationId: row.conversation_id, type: inserted ? 'message.created' : 'message.updated', data: message });
		if (!inserted) continue;
		if (item.message.reaction) {
			await applyReaction(tx, {
				workspaceId: item.ref.workspaceId,
				channelId: channelOf(item),
				targetWaMessageId: item.message.reaction.targetWaMessageId,
				reactorJid: item.message.fromMe ? 'me' : item.message.sender?.jid ?? item.message.chat.jid,
				emoji: item.message.reaction.emoji,
				fromMe: item.message.fromMe,
				reactionWaMessageId: item.message.waMessageId,
				at: item.message.timestamp,
			});
			emit(item.delivery, item.ref.workspaceId, {
				channelId: channelOf(item),
				conversationId: row.conversation_id,
				type: 'message.reaction',
				data: { targetWaMessageId: item.message.reaction.targetWaMessageId, emoji: item.message.reaction.emoji, fromMe: item.message.fromMe, reactorJid: item.message.sender?.jid ?? item.message.chat.jid },
			});
			continue;
		}
		const entry = activity.get(conversation.row.id) ?? { items: [], created: conversation.created, delivery: item.delivery };
		entry.items.push(item);
		entry.delivery = item.delivery;
		activity.set(conversation.row.id, entry);
	}

	return activity;
}

/** New messages' effect on their conversations, with the audit rows written in the same round trip. */
async function finishBatch(
	tx: Tx,
	activity: Activity,
	audit: Statement,
	emit: (delivery: number, workspaceId: string, event: Omit<RealtimeEvent, 'at'>) => void,
): Promise<void> {
	const updates = await applyConversationActivity(tx, [...activity.entries()].map(([id, entry]) => summarise(id, entry.items)), audit);
	for (const row of updates) {
		const entry = activity.get(row.id as string)!;
		emit(entry.delivery, row.workspace_id as string, { channelId: row.channel_id as string, conversationId: row.id as string, type: entry.created ? 'conversation.created' : 'conversation.updated', data: row });
	}
}

interface Person {
	workspaceId: string;
	contactId: string;
	leadId?: string;
	/** Their earliest live inbound message in the batch: what attributes a new lead. */
	first?: MessageItem;
	referral?: MessageItem;
}

/**
 * Leads: a person's first live inbound message ties them to a lead (token, phone, or a new one), all newcomers of
 * the batch at once. The contacts statement already said who has a lead, so known people cost nothing here.
 */
async function linkLeads(
	tx: Tx,
	items: MessageItem[],
	contactOf: (item: MessageItem) => ResolvedContact,
	channelOf: (item: MessageItem) => string,
	emit: (delivery: number, workspaceId: string, event: Omit<RealtimeEvent, 'at'>) => void,
): Promise<Map<string, string>> {
	const people = new Map<string, Person>();
	for (const item of items) {
		if (item.message.chat.isGroup) continue;
		const contact = contactOf(item);
		const person = people.get(contact.row.id) ?? { workspaceId: item.ref.workspaceId, contactId: contact.row.id, leadId: contact.leadId };
		if (!item.message.fromMe && !item.message.history) {
			if (!person.first || item.message.timestamp < person.first.message.timestamp) person.first = item;
			if (item.message.referral) person.referral = item;
		}
		people.set(contact.row.id, person);
	}
	const leads = new Map<string, string>();
	const newcomers: Array<Person & { first: MessageItem }> = [];
	for (const person of [...people.values()].sort((a, b) => (a.contactId < b.contactId ? -1 : 1))) {
		if (person.leadId) {
			leads.set(person.contactId, person.leadId);
			if (person.referral?.message.referral) await recordReferral(tx, person.workspaceId, person.leadId, person.referral.message.referral);
		} else if (person.first) {
			newcomers.push({ ...person, first: person.first });
		}
	}
	const attributed = await attributeLeads(
		tx,
		newcomers.map(({ workspaceId, contactId, first: { message }, referral }) => ({
			workspaceId,
			contactId,
			phone: message.chat.phone,
			name: message.pushName,
			text: message.body,
			referral: message.referral ?? referral?.message.referral,
			at: message.timestamp,
		})),
	);
	for (const person of newcomers) {
		const lead = attributed.get(person.contactId)!;
		leads.set(person.contactId, lead.leadId);
		emit(person.first.delivery, person.workspaceId, {
			channelId: channelOf(person.first),
			type: lead.created ? 'lead.created' : 'lead.updated',
			data: { id: lead.leadId, contactId: person.contactId, matchMethod: lead.matchMethod },
		});
	}
	return leads;
}

function summarise(conversationId: string, items: MessageItem[]): ConversationActivity {
	const sorted = [...items].sort((a, b) => a.message.timestamp.getTime() - b.message.timestamp.getTime());
	const last = sorted[sorted.length - 1].message;
	const live = sorted.filter((i) => !i.message.history);
	const lastOutbound = live.map((i) => i.message.fromMe).lastIndexOf(true);
	const inbound = live.filter((i) => !i.message.fromMe);
	const inboundAfterAnswer = live.slice(lastOutbound + 1).filter((i) => !i.message.fromMe).length;
	const lastInbound = [...sorted].reverse().find((i) => !i.message.fromMe);
	return {
		conversationId,
		lastAt: last.timestamp,
		lastPreview: messagePreview(last),
		lastDirection: last.fromMe ? 'outbound' : 'inbound',
		lastInboundAt: lastInbound?.message.timestamp,
		resetUnread: lastOutbound >= 0,
		addUnread: lastOutbound >= 0 ? inboundAfterAnswer : inbound.length,
		reopen: inbound.length > 0,
	};
}

/** The audit trail: one row per delivery, in the same transaction as what it caused (a WITH clause, see finishBatch). */
function auditRows(deliveries: Delivery[], outcomes: DeliveryOutcome[]): Statement {
	const now = Date.now();
	return {
		sql: `WITH audit AS (
			INSERT INTO webhook_deliveries (workspace_id, channel_id, provider, event, outcome, http_status, reason, body_sha256, payload, processing_ms, received_at)
			SELECT w, c, p, e, o, 200, r, h, d::jsonb, ms, to_timestamp(at / 1000.0)
			FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::float8[])
				AS v(w, c, p, e, o, r, h, d, ms, at)
		 )`,
		params: [
			deliveries.map((d) => d.workspaceId),
			deliveries.map((d) => d.channelId),
			deliveries.map((d) => d.provider),
			deliveries.map((d) => d.event),
			outcomes,
			deliveries.map((d, i) => (outcomes[i] === 'ignored' ? d.ignored ?? null : null)),
			deliveries.map((d) => d.bodySha256),
			deliveries.map((d) => d.auditPayload),
			deliveries.map((d) => Math.max(0, Math.round(now - d.receivedAt))),
			deliveries.map((d) => d.receivedAt),
		],
	};
}
