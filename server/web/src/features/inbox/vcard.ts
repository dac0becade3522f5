/**
 * The two things a contact card shows from WhatsApp's vCard (3.0, as phones send it): the name and the phone numbers.
 * Nothing else of the card is read, and what is read stays text.
 *
 *   BEGIN:VCARD
 *   FN:Carlos Lima
 *   item1.TEL;waid=5511955554444:+55 11 95555-4444
 *   END:VCARD
 */
export interface ContactCard {
	name: string | null;
	phones: Array<{ number: string; waId: string | null }>;
}

// vCard escapes: \n, \, \; \: and \\ (RFC 6350 §3.4).
const unescape = (value: string) => value.replace(/\\([nN,;:\\])/g, (_, c: string) => (c === 'n' || c === 'N' ? ' ' : c)).trim();

export function readVCard(vcard: string | null | undefined): ContactCard {
	const card: ContactCard = { name: null, phones: [] };
	if (!vcard) return card;
	// Long lines are folded: a line starting with a space or a tab continues the one before.
	const lines = vcard.replace(/\r\n/g, '\n').replace(/\n[ \t]/g, '').split('\n');
	let structuredName: string | null = null;
	for (const line of lines) {
		const colon = line.indexOf(':');
		if (colon < 0) continue;
		// "item1.TEL;type=CELL;waid=…": the group before the dot and the parameters after the ';' are not the name.
		const [property, ...parameters] = line.slice(0, colon).split(';');
		const name = property.split('.').pop()!.toUpperCase();
		const value = line.slice(colon + 1);
		if (name === 'FN' && unescape(value)) card.name = unescape(value);
		if (name === 'N' && !structuredName) {
			// N:family;given;additional;prefix;suffix
			const [family = '', given = ''] = value.split(/(?<!\\);/).map(unescape);
			structuredName = [given, family].filter(Boolean).join(' ') || null;
		}
		if (name === 'TEL' && unescape(value)) {
			const waId = parameters.map((p) => /^waid=(\d+)$/i.exec(p.trim())?.[1]).find(Boolean) ?? null;
			card.phones.push({ number: unescape(value), waId });
		}
	}
	card.name ??= structuredName;
	return card;
}
