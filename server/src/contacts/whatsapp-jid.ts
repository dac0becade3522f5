import type { ChatIdentity } from '../providers/provider-events';
import { canonicalPhone } from './phone-number';

/** WhatsApp addresses: phone-number JIDs (…@s.whatsapp.net, WAHA's …@c.us), privacy ids (…@lid), groups (…@g.us). */
export function isGroupJid(jid: string): boolean {
	return jid.endsWith('@g.us');
}

export function isLidJid(jid: string): boolean {
	return jid.endsWith('@lid');
}

export function isPhoneJid(jid: string): boolean {
	return jid.endsWith('@s.whatsapp.net') || jid.endsWith('@c.us');
}

/** Chats we never turn into conversations: status broadcasts, newsletters/channels, broadcast lists. */
export function isIgnoredChatJid(jid: string): boolean {
	return jid === 'status@broadcast' || jid.endsWith('@newsletter') || jid.endsWith('@broadcast');
}

/** The user part without the device suffix: "5511988887777:12@s.whatsapp.net" → "5511988887777". */
export function jidUser(jid: string): string {
	return jid.split('@')[0].split(':')[0];
}

/** Phone JIDs in the form Evolution uses (…@s.whatsapp.net), whatever the provider wrote. */
export function toPhoneJid(jid: string): string {
	return `${jidUser(jid)}@s.whatsapp.net`;
}

/**
 * Resolves a chat from the JIDs a provider gave for it (remoteJid and its alternate): a group, or a person known by
 * phone JID and/or @lid. Both identities are kept; replies go to the phone JID when there is one.
 */
export function resolveChatIdentity(jids: Array<string | null | undefined>): ChatIdentity | undefined {
	const known = jids.filter((j): j is string => typeof j === 'string' && j.includes('@'));
	const group = known.find(isGroupJid);
	if (group) return { jid: group, isGroup: true };
	const phoneJid = known.find(isPhoneJid);
	const lid = known.find(isLidJid);
	if (phoneJid) {
		const jid = toPhoneJid(phoneJid);
		return { jid, lid, phone: canonicalPhone(jidUser(jid)), isGroup: false };
	}
	if (lid) return { jid: lid, lid, isGroup: false };
	return undefined;
}
