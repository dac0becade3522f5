import { contactKey, upsertContacts } from '../contacts/contact-upsert';
import { canonicalPhone } from '../contacts/phone-number';
import { conversationKey, upsertConversations } from '../conversations/conversation-upsert';
import type { Db } from '../db/db';
import { ApiError, badRequest } from '../inbox/api/api-error';

/** A phone number in any format libphonenumber-js reads (+55 (11) 98888-7777, 5511988887777…), as E.164 and JID. */
export function phoneTarget(input: string): { e164: string; jid: string } {
	// A bare national number is not enough: the country decides the ninth-digit rule and the JID.
	const phone = canonicalPhone(input.trim().startsWith('+') || /^\d{11,15}$/.test(input.replace(/[\s().-]/g, '')) ? input : '');
	if (!phone) throw badRequest(`"${input.slice(0, 40)}" is not a phone number WhatsApp can reach: give it with the country code (+55 11 98888-7777).`, 'invalid_phone');
	// Brazilian mobiles carry the ninth digit here, as ingest stores them; Evolution applies its own rule on send.
	return { e164: phone, jid: `${phone.slice(1)}@s.whatsapp.net` };
}

/**
 * Finds or creates the contacts (by canonical phone, the identity ingest uses) and their conversations on the
 * channel, for sends addressed to phone numbers. Concurrent first sends converge on one row each; a race lost to
 * another process is retried. Answers conversation ids by E.164.
 */
export async function conversationsForPhones(db: Db, workspaceId: string, channelId: string, phones: Array<{ e164: string; jid: string }>): Promise<Map<string, string>> {
	const unique = [...new Map(phones.map((p) => [p.e164, p])).values()];
	for (let attempt = 0; ; attempt++) {
		const answer = await db.transaction(async (tx) => {
			const contacts = await upsertContacts(
				tx,
				unique.map((p) => ({ workspaceId, chat: { jid: p.jid, phone: p.e164, isGroup: false } })),
			);
			const resolved = unique.map((p) => ({ phone: p, contact: contacts.get(contactKey(workspaceId, { jid: p.jid, phone: p.e164, isGroup: false })) }));
			if (resolved.some((r) => !r.contact)) return undefined;
			const conversations = await upsertConversations(
				tx,
				resolved.map((r) => ({ workspaceId, channelId, contactId: r.contact!.row.id, leadId: r.contact!.leadId, chatJid: r.contact!.row.wa_jid ?? r.phone.jid, isGroup: false })),
			);
			const byPhone = new Map<string, string>();
			for (const r of resolved) {
				const conversation = conversations.get(conversationKey(workspaceId, channelId, r.contact!.row.id));
				if (!conversation) return undefined;
				byPhone.set(r.phone.e164, conversation.row.id);
			}
			return byPhone;
		});
		if (answer) return answer;
		if (attempt >= 3) throw new ApiError(503, 'busy', 'Contacts are being created by another request right now; try again.');
	}
}
