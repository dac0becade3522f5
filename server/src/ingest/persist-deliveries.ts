/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/require-node-api-error, no-console */
import { contactKey, upsertContacts, type ContactInput } from '../contacts/contact-upsert';
import { updateContactProfile } from '../contacts/contact-profile';
import { applyChannelEvent } from '../channels/channel-state';
import { recordPresence } from '../conversations/contact-presence';
import { applyConversationActivity, type ConversationActivity } from '../conversations/conversation-activity';
import { conversationKey, upsertConversations } from '../conversations/conversation-upsert';
import type { Tx } from '../db/db';
import { attributeLead, findLeadsByContact, recordReferral } from '../leads/lead-attribution';
import { insertMessages, type MessageInsert } from '../messages/message-insert';
import { lockMessageIds, type MessageRef } from '../messages/message-locks';
import { messagePreview } from '../messages/message-preview';
import { applyReaction } from '../messages/message-reactions';
import { applyDelete, applyEdit, applyStatus } from '../messages/message-updates';
import { refKey, takePendingUpdates } from '../messages/pending-message-updates';
import { messageStatusRank, type IncomingMessage, type MessageStatus } from '../providers/provider-events';
import type { RealtimeEvent } from '../realtime/publisher';
import type { Delivery, DeliveryOutcome } from './delivery';

export interface PersistResult {
	outcomes: DeliveryOutcome[];
	/** Per workspace, in the order the changes were made; `at` is stamped when published. */
	events: Array<{ workspaceId: string; event: Omit<RealtimeEvent, 'at'> }>;
}

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

	if (items.length) await persistMessages(tx, deliveries, items, emit);

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
	await recordDeliveries(tx, deliveries, outcomes);
	return { outcomes, events };
}

async function persistMessages(
	tx: Tx,
	deliveries: Delivery[],
	items: MessageItem[],
	emit: (delivery: number, workspaceId: string, event: Omit<RealtimeEvent, 'at'>) => void,
): Promise<void> {
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

	// Leads: a person's first live inbound message ties them to a lead (token, phone, or a new one).
	const people = new Map<string, { workspaceId: string; contactId: string; first?: MessageItem; referral?: MessageItem }>();
	for (const item of items) {
		if (item.message.chat.isGroup) continue;
		const contactId = contactOf(item).row.id;
		const person = people.get(contactId) ?? { workspaceId: item.ref.workspaceId, contactId };
		if (!item.message.fromMe && !item.message.history) {
			if (!person.first || item.message.timestamp < person.first.message.timestamp) person.first = item;
			if (item.message.referral) person.referral = item;
		}
		people.set(contactId, person);
	}
	const leads = await findLeadsByContact(tx, [...people.values()]);
	for (const person of [...people.values()].sort((a, b) => (a.contactId < b.contactId ? -1 : 1))) {
		const existing = leads.get(person.contactId);
		if (existing) {
			if (person.referral?.message.referral) await recordReferral(tx, person.workspaceId, existing, person.referral.message.referral);
			continue;
		}
		if (!person.first) continue;
		const first = person.first.message;
		const lead = await attributeLead(tx, {
			workspaceId: person.workspaceId,
			contactId: person.contactId,
			phone: first.chat.phone,
			name: first.pushName,
			text: first.body,
			referral: first.referral ?? person.referral?.message.referral,
			at: first.timestamp,
		});
		leads.set(person.contactId, lead.leadId);
		if (lead.matchMethod !== 'existing') {
			emit(person.first.delivery, person.workspaceId, {
				channelId: channelOf(person.first),
				type: lead.created ? 'lead.created' : 'lead.updated',
				data: { id: lead.leadId, contactId: person.contactId, matchMethod: lead.matchMethod },
			});
		}
	}

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
	const pending = await takePendingUpdates(tx, items.map((i) => i.ref));
	const inserts: MessageInsert[] = items.map((item) => {
		const early = pending.get(refKey(item.ref));
		let status: MessageStatus = item.message.status;
		if (early?.status && messageStatusRank(early.status) > messageStatusRank(status)) status = early.status;
		return {
			workspaceId: item.ref.workspaceId,
			channelId: channelOf(item),
			conversationId: conversationOf(item).row.id,
			message: item.message,
			status,
			edit: early?.edited_body !== null && early?.edited_body !== undefined ? { body: early.edited_body, at: new Date(early.edited_at ?? Date.now()).toISOString() } : undefined,
			deletedAt: early?.deleted_at ? new Date(early.deleted_at).toISOString() : undefined,
		};
	});
	const stored = await insertMessages(tx, inserts);
	const storedByRef = new Map(stored.map((row) => [refKey({ workspaceId: row.workspace_id, channelId: row.channel_id, waMessageId: row.wa_message_id }), row]));

	const activity = new Map<string, { items: MessageItem[]; created: boolean; delivery: number }>();
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

	const updates = await applyConversationActivity(tx, [...activity.entries()].map(([id, entry]) => summarise(id, entry.items)));
	for (const row of updates) {
		const entry = activity.get(row.id as string)!;
		emit(entry.delivery, row.workspace_id as string, { channelId: row.channel_id as string, conversationId: row.id as string, type: entry.created ? 'conversation.created' : 'conversation.updated', data: row });
	}
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

/** The audit trail: one row per delivery, in the same transaction as what it caused. */
async function recordDeliveries(tx: Tx, deliveries: Delivery[], outcomes: DeliveryOutcome[]): Promise<void> {
	const now = Date.now();
	await tx.query(
		`INSERT INTO webhook_deliveries (workspace_id, channel_id, provider, event, outcome, http_status, reason, body_sha256, payload, processing_ms, received_at)
		 SELECT w, c, p, e, o, 200, r, h, d::jsonb, ms, to_timestamp(at / 1000.0)
		 FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::float8[])
			AS v(w, c, p, e, o, r, h, d, ms, at)`,
		[
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
	);
}
