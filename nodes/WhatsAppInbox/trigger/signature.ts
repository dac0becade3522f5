import { createHmac, randomBytes, timingSafeEqual } from 'crypto';

/** Headers of every delivery from the WhatsApp Inbox server (lower-case, as n8n hands them over). */
export const SIGNATURE_HEADER = 'x-inbox-signature';
export const TIMESTAMP_HEADER = 'x-inbox-timestamp';
export const EVENT_ID_HEADER = 'x-inbox-event-id';

/** Deliveries signed longer ago than this (or this far in the future) are refused as replays. */
export const MAX_AGE_SECONDS = 5 * 60;

/** A fresh signing secret for one subscription (256 bits, URL-safe); the server stores it encrypted. */
export function generateSigningSecret(): string {
	return `n8n_${randomBytes(32).toString('base64url')}`;
}

function headerText(value: unknown): string {
	const first = Array.isArray(value) ? value[0] : value;
	return typeof first === 'string' ? first.trim() : '';
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks `x-inbox-signature` (`sha256=` + hex HMAC-SHA256 of `<timestamp>.<raw body>`) against each secret this node
 * holds (the production and the test subscription), in constant time, and that the signed timestamp is fresh.
 */
export function checkSignature(
	secrets: string[],
	headers: Record<string, unknown>,
	rawBody: string,
	nowSeconds = Math.floor(Date.now() / 1000),
): SignatureCheck {
	const signature = headerText(headers[SIGNATURE_HEADER]);
	const timestampText = headerText(headers[TIMESTAMP_HEADER]);
	if (signature === '' || timestampText === '') return { ok: false, reason: 'missing signature or timestamp header' };
	if (!/^\d{1,12}$/.test(timestampText)) return { ok: false, reason: 'malformed timestamp' };
	const given = Buffer.from(signature);
	const valid = secrets.some((secret) => {
		const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestampText}.${rawBody}`).digest('hex')}`);
		return expected.length === given.length && timingSafeEqual(expected, given);
	});
	if (!valid) return { ok: false, reason: 'wrong signature' };
	// Checked after the signature, so the timestamp compared is one the server really signed.
	if (Math.abs(nowSeconds - Number(timestampText)) > MAX_AGE_SECONDS) return { ok: false, reason: 'timestamp older than 5 minutes' };
	return { ok: true };
}
