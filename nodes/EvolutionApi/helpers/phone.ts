/**
 * Turns what a person types as a WhatsApp address into what Evolution accepts in `number`.
 *
 * - `+55 (11) 98765-4321` and `5511987654321` become `5511987654321`.
 * - Group (`@g.us`), `@lid`, broadcast and newsletter JIDs pass through untouched.
 * - A person JID (`…@s.whatsapp.net`) keeps its domain but loses a device suffix (`:12`).
 * - Legacy group ids (`5511999990000-1600000000`) pass through untouched.
 *
 * Returns `undefined` when nothing usable is left, so the caller can say which item was wrong.
 */
export function normalizeWhatsAppAddress(input: string): string | undefined {
	const value = String(input ?? '').trim();
	if (value === '') return undefined;

	const at = value.indexOf('@');
	if (at !== -1) {
		const user = value.slice(0, at);
		const domain = value.slice(at + 1).toLowerCase();
		if (domain === 's.whatsapp.net' || domain === 'c.us') {
			const digits = user.split(':')[0].replace(/\D/g, '');
			return digits === '' ? undefined : `${digits}@s.whatsapp.net`;
		}
		return user === '' ? undefined : value;
	}

	if (/^\d{8,}-\d{6,}$/.test(value)) return value;

	const digits = value.replace(/\D/g, '');
	return digits === '' ? undefined : digits;
}

/** Whether the address names a group (its messages need a participant, mentions apply, …). */
export function isGroupAddress(address: string): boolean {
	return address.endsWith('@g.us') || /^\d{8,}-\d{6,}$/.test(address);
}

/** A JID for a normalised address, as Evolution stores it in message keys. */
export function toJid(address: string): string {
	if (address.includes('@')) return address;
	if (isGroupAddress(address)) return `${address}@g.us`;
	return `${address}@s.whatsapp.net`;
}

/** Splits a comma / newline separated list of numbers, dropping blanks. */
export function splitAddressList(value: string | string[]): string[] {
	const parts = Array.isArray(value) ? value : String(value ?? '').split(/[,\n;]/);
	return parts.map((part) => String(part).trim()).filter((part) => part !== '');
}
