/** Number → JID rules of Evolution's createJid(), simplified (no BR/MX/AR digit rewriting). */
export function createJid(number: string): string {
	const trimmed = number.trim();
	if (trimmed.includes('@')) return trimmed;
	const digits = trimmed.replace(/[+\s()-]/g, '');
	if (/^\d{18,}$/.test(digits) || (trimmed.includes('-') && trimmed.length >= 24)) return digits + '@g.us';
	return digits.replace(/\D/g, '') + '@s.whatsapp.net';
}

export const isGroupJid = (jid: string) => jid.endsWith('@g.us');
export const isLidJid = (jid: string) => jid.endsWith('@lid');
export const jidUser = (jid: string) => jid.split('@')[0].split(':')[0];
