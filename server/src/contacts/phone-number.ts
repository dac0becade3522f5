import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * Canonical E.164 for a phone number given as digits (a JID's user part) or any human format. Brazilian mobiles
 * are written with the ninth digit: WhatsApp still addresses older accounts without it (55 11 8888-7777), and they
 * are the same person as 55 11 98888-7777.
 */
export function canonicalPhone(input: string): string | undefined {
	// Every webhook carries a phone JID and parsing is the costliest step of normalising one: remember recent answers.
	if (known.has(input)) return known.get(input);
	const phone = parseCanonical(input);
	if (known.size >= KNOWN_LIMIT) known.clear();
	known.set(input, phone);
	return phone;
}

const KNOWN_LIMIT = 50_000;
const known = new Map<string, string | undefined>();

function parseCanonical(input: string): string | undefined {
	const digits = input.replace(/[^\d]/g, '');
	if (digits.length < 8 || digits.length > 15) return undefined;
	const parsed = parsePhoneNumberFromString(`+${digits}`);
	if (!parsed || !parsed.isPossible()) return undefined;
	const national = parsed.nationalNumber.toString();
	if (parsed.countryCallingCode === '55' && isBrazilianMobileWithoutNinthDigit(national)) {
		return `+55${national.slice(0, 2)}9${national.slice(2)}`;
	}
	return parsed.number.toString();
}

/** Every E.164 spelling that denotes the same line: for Brazilian mobiles, with and without the ninth digit. */
export function phoneVariants(e164: string): string[] {
	const match = /^\+55(\d{2})9([6-9]\d{7})$/.exec(e164);
	return match ? [e164, `+55${match[1]}${match[2]}`] : [e164];
}

// DDD (2 digits) + 8-digit subscriber number starting 6–9: a mobile from before the ninth digit was added.
function isBrazilianMobileWithoutNinthDigit(national: string): boolean {
	return national.length === 10 && /^[1-9][1-9][6-9]/.test(national);
}
