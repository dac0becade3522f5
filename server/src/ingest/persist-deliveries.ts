import { contactKey, upsertContacts, type ContactInput, type ResolvedContact } from '../contacts/contact-upsert';
import { upsertContactProfiles } from '../contacts/contact-profile';
import { applyChannelEvent } from '../channels/channel-state';
import { recordPresence } from '../conversations/contact-presence';
import { upsertConversations } from '../conversations/conversation-upsert';
import type { Tx } from '../db/db';
import { findConversation } from '../inbox/conversations/conversation-view';
import { attributeLeads, recordReferral } from '../leads/lead-attribution';
import { writeMessages, type MessageWrite } from '../messages/message-batch-write';
import { applyReaction } from '../messages/message-reactions';
import { applyDelete, applyEdit, applyStatus } from '../messages/message-updates';
import { markOptedOut, optOutsOf } from '../outbox/opt-out';
import type { RealtimeEvent } from '../realtime/publisher';
import { emitMessageWrites, isMessageDelivery, messageWrites, type Emit } from './batch-messages';
import type { Delivery, DeliveryOutcome } from './delivery';

export interface PersistResult {
	outcomes: DeliveryOutcome[];
	/** Per workspace, in the order the changes were made; `at` is stamped once they are committed. */
	events: Array<{ workspaceId: string; event: Omit<RealtimeEvent, 'at'> }>;
}

/**
 * Writes a batch of deliveries in the caller's transaction: for chat messages, contacts and leads (attributing new
 * people), conversations, then the messages with everything they change (writeMessages) and reactions; then acks /
 * edits / deletes, presence, contact and channel state; then the audit rows of the deliveries without messages.
 * Idempotent: a delivery already applied changes nothing the second time. `wrote` names deliveries that an earlier
 * step already partly stored (they are processed whatever happens here). The events carry rows in the shapes the
 * REST API returns, so publishing them needs no further reads.
 */
export async function persistDeliveries(tx: Tx, deliveries: Delivery[], wrote: ReadonlySet<number> = new Set()): Promise<PersistResult> {
	const changed = deliveries.map((_d, i) => wrote.has(i));
	const events: PersistResult['events'] = [];
	const emit: Emit = (delivery, workspaceId, event) => {
		changed[delivery] = true;
		events.push({ workspaceId, event });
	};
	const outcomes: Array<DeliveryOutcome | undefined> = deliveries.map(() => undefined);

	const messageDeliveries = deliveries.flatMap((d, i) => (isMessageDelivery(d) ? [i] : []));
	if (messageDeliveries.length) {
		for (const [delivery, outcome] of await persistMessages(tx, deliveries, messageDeliveries, changed, emit)) outcomes[delivery] = outcome;
	}

	await persistContactProfiles(tx, deliveries, emit);

	for (const [index, d] of deliveries.entries()) {
		if (isMessageDelivery(d)) continue;
		for (const e of d.events) {
			const ref = { workspaceId: d.workspaceId, channelId: d.channelId, waMessageId: 'waMessageId' in e ? e.waMessageId : '' };
			const base = { channelId: d.channelId };
			if (e.kind === 'message.status' || e.kind === 'message.edit' || e.kind === 'message.delete') {
				const message =
					e.kind === 'message.status'
						? await applyStatus(tx, ref, e.status)
						: e.kind === 'message.edit'
							? await applyEdit(tx, ref, e.body, e.editedAt)
							: await applyDelete(tx, ref, e.deletedAt);
				if (message) {
					const { previewChanged, ...view } = message as typeof message & { previewChanged?: boolean };
					emit(index, d.workspaceId, { ...base, type: 'message.updated', conversationId: view.conversationId, data: { message: view } });
					const conversation = previewChanged ? await findConversation(tx, d.workspaceId, view.conversationId) : undefined;
					if (conversation) emit(index, d.workspaceId, { ...base, type: 'conversation.updated', conversationId: conversation.id, data: { conversation } });
				}
			} else if (e.kind === 'presence') {
				const conversation = await recordPresence(tx, d.workspaceId, d.channelId, e.chatJid, e.presence);
				emit(index, d.workspaceId, {
					...base,
					type: 'presence.update',
					conversationId: conversation?.id,
					data: { chatJid: e.chatJid, participantJid: e.participantJid, presence: e.presence, lastSeen: e.lastSeen?.toISOString() },
				});
			} else if (e.kind === 'connection' || e.kind === 'qrcode' || e.kind === 'qrcode.limit') {
				for (const event of await applyChannelEvent(tx, d.workspaceId, d.channelId, e)) emit(index, d.workspaceId, event);
			}
		}
		outcomes[index] = changed[index] ? 'processed' : d.events.length ? 'duplicate' : 'ignored';
	}
	await auditOtherDeliveries(tx, deliveries, outcomes);
	return { outcomes: outcomes.map((o, i) => o ?? (changed[i] ? 'processed' : 'duplicate')), events };
}

/** The batch's contacts.upsert / contacts.update, all in one statement; each change is announced for the delivery that named it last. */
async function persistContactProfiles(tx: Tx, deliveries: Delivery[], emit: Emit): Promise<void> {
	const named = new Map<string, { delivery: number; channelId: string }>();
	const inputs = deliveries.flatMap((d, index) =>
		isMessageDelivery(d)
			? []
			: d.events.flatMap((e) => {
					if (e.kind !== 'contact') return [];
					named.set(contactKey(d.workspaceId, e.chat), { delivery: index, channelId: d.channelId });
					return [{ workspaceId: d.workspaceId, chat: e.chat, name: e.name, avatarUrl: e.avatarUrl }];
				}),
	);
	if (!inputs.length) return;
	for (const change of await upsertContactProfiles(tx, inputs)) {
		const by = named.get(change.key);
		if (!by) continue;
		emit(by.delivery, change.row.workspace_id, { channelId: by.channelId, type: change.created ? 'contact.created' : 'contact.updated', data: { ...change.row } });
	}
}

/** Chat messages: contacts, leads and conversations found or created, then writeMessages and the reactions. */
async function persistMessages(tx: Tx, deliveries: Delivery[], indices: number[], changed: boolean[], emit: Emit): Promise<Map<number, DeliveryOutcome>> {
	const writes = messageWrites(deliveries, indices);
	// Reactions first: they only change their target's reactions (never a thread row, an unread count or a preview),
	// and a delivery they changed is processed, which its audit row below must already know.
	await applyReactions(tx, writes.filter((w) => w.message.reaction), emit);
	const items = writes.filter((w) => !w.message.reaction);
	const audits = indices.map((i) => ({ delivery: i, ...deliveries[i], changed: changed[i] }));
	if (!items.length) return (await writeMessages(tx, [], audits, { onlyKnownChats: false })).outcomes;

	// Contacts: the person's push name only comes from what they sent.
	const contactInputs: ContactInput[] = items.map((i) => ({ workspaceId: i.workspaceId, chat: i.message.chat, pushName: i.message.fromMe ? undefined : i.message.pushName }));
	const contacts = await upsertContacts(tx, contactInputs);
	const contactOf = (item: MessageWrite) => contacts.get(contactKey(item.workspaceId, item.message.chat))!;
	for (const item of items) {
		const contact = contactOf(item);
		if (contact.created) {
			contact.created = false; // announce once
			emit(item.delivery, item.workspaceId, { channelId: item.channelId, type: 'contact.created', data: { ...contact.row } });
		}
	}

	const leads = await linkLeads(tx, items, contactOf, emit);

	const conversations = await upsertConversations(
		tx,
		items.map((item) => {
			const contact = contactOf(item).row;
			return {
				workspaceId: item.workspaceId,
				channelId: item.channelId,
				contactId: contact.id,
				leadId: leads.get(contact.id),
				chatJid: item.message.chat.jid,
				chatLid: item.message.chat.lid,
				isGroup: item.message.chat.isGroup,
			};
		}),
	);
	const created = new Set([...conversations.values()].filter((c) => c.created).map((c) => c.row.id));

	// Messages and what they change, with the acks / edits / deletes that arrived before them folded in.
	for (const audit of audits) audit.changed = changed[audit.delivery];
	const result = await writeMessages(tx, items, audits, { onlyKnownChats: false });
	const lost = result.items.findIndex((item) => !item.resolved);
	if (lost >= 0) throw Object.assign(new Error(`conversation of message ${items[lost].message.waMessageId} vanished during ingest`), { code: '40001' });
	emitMessageWrites(items, result, emit, created);
	// Opt-out words (SAIR, PARAR, STOP…) mark the contact, in this transaction: no Redis on the webhook path.
	const optOuts = optOutsOf(items, result.items);
	if (optOuts.length) await markOptedOut(tx, optOuts);
	return result.outcomes;
}

/** Each reaction (or its removal) onto its target's reactions; a repeated delivery changes nothing and announces nothing. */
async function applyReactions(tx: Tx, reactions: MessageWrite[], emit: Emit): Promise<void> {
	for (const item of reactions) {
		const reaction = item.message.reaction!;
		const reactorJid = item.message.sender?.jid ?? item.message.chat.jid;
		const applied = await applyReaction(tx, {
			workspaceId: item.workspaceId,
			channelId: item.channelId,
			targetWaMessageId: reaction.targetWaMessageId,
			reactorJid: item.message.fromMe ? 'me' : reactorJid,
			emoji: reaction.emoji,
			fromMe: item.message.fromMe,
			reactionWaMessageId: item.message.waMessageId,
			at: item.message.timestamp,
		});
		if (!applied.changed) continue;
		emit(item.delivery, item.workspaceId, {
			channelId: item.channelId,
			conversationId: applied.conversationId,
			type: 'message.reaction',
			data: { targetWaMessageId: reaction.targetWaMessageId, emoji: reaction.emoji, fromMe: item.message.fromMe, reactorJid },
		});
	}
}

interface Person {
	workspaceId: string;
	contactId: string;
	leadId?: string;
	/** Their earliest live inbound message in the batch: what attributes a new lead. */
	first?: MessageWrite;
	referral?: MessageWrite;
}

/**
 * Leads: a person's first live inbound message ties them to a lead (token, phone, or a new one), all newcomers of
 * the batch at once. The contacts statement already said who has a lead, so known people cost nothing here.
 */
async function linkLeads(
	tx: Tx,
	items: MessageWrite[],
	contactOf: (item: MessageWrite) => ResolvedContact,
	emit: Emit,
): Promise<Map<string, string>> {
	const people = new Map<string, Person>();
	for (const item of items) {
		if (item.message.chat.isGroup) continue;
		const contact = contactOf(item);
		const person = people.get(contact.row.id) ?? { workspaceId: item.workspaceId, contactId: contact.row.id, leadId: contact.leadId };
		if (!item.message.fromMe && !item.message.history) {
			if (!person.first || item.message.timestamp < person.first.message.timestamp) person.first = item;
			if (item.message.referral) person.referral = item;
		}
		people.set(contact.row.id, person);
	}
	const leads = new Map<string, string>();
	const newcomers: Array<Person & { first: MessageWrite }> = [];
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
			channelId: person.first.channelId,
			type: lead.created ? 'lead.created' : 'lead.updated',
			data: { id: lead.leadId, contactId: person.contactId, matchMethod: lead.matchMethod },
		});
	}
	return leads;
}

/** The audit rows of the deliveries without chat messages (writeMessages wrote the others'), once their outcome is known. */
async function auditOtherDeliveries(tx: Tx, deliveries: Delivery[], outcomes: Array<DeliveryOutcome | undefined>): Promise<void> {
	const list = deliveries.flatMap((d, i) => (isMessageDelivery(d) ? [] : [{ d, outcome: outcomes[i] as DeliveryOutcome }]));
	if (!list.length) return;
	const now = Date.now();
	await tx.query(
		`INSERT INTO webhook_deliveries (workspace_id, channel_id, provider, event, outcome, http_status, reason, body_sha256, payload, processing_ms, received_at)
		 SELECT w, c, p, e, o, 200, r, h, d::jsonb, ms, to_timestamp(at / 1000.0)
		 FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::float8[])
			AS v(w, c, p, e, o, r, h, d, ms, at)`,
		[
			list.map(({ d }) => d.workspaceId),
			list.map(({ d }) => d.channelId),
			list.map(({ d }) => d.provider),
			list.map(({ d }) => d.event),
			list.map(({ outcome }) => outcome),
			list.map(({ d, outcome }) => (outcome === 'ignored' ? d.ignored ?? null : null)),
			list.map(({ d }) => d.bodySha256),
			list.map(({ d }) => d.auditPayload),
			list.map(({ d }) => Math.max(0, Math.round(now - d.receivedAt))),
			list.map(({ d }) => d.receivedAt),
		],
		{ prepare: true },
	);
}
