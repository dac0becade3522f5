import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Headers of every delivery (lower-case, as Node hands them to a receiver). */
export const SIGNATURE_HEADER = 'x-inbox-signature';
export const TIMESTAMP_HEADER = 'x-inbox-timestamp';
export const EVENT_ID_HEADER = 'x-inbox-event-id';
export const EVENT_TYPE_HEADER = 'x-inbox-event';
export const DELIVERY_ID_HEADER = 'x-inbox-delivery-id';

/**
 * "sha256=<hex>" of HMAC-SHA256(secret, "<timestamp>.<body>"): signing the timestamp with the body lets a receiver
 * refuse an old delivery replayed (the trigger refuses anything older than five minutes) without trusting a header.
 */
export function signDelivery(secret: string, timestamp: number, body: string): string {
	return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function verifyDelivery(secret: string, timestamp: number, body: string, signature: string): boolean {
	const expected = Buffer.from(signDelivery(secret, timestamp, body));
	const given = Buffer.from(signature);
	return expected.length === given.length && timingSafeEqual(expected, given);
}

/** A new signing secret: 32 random bytes, prefixed so a leaked one is recognisable. */
export function newSigningSecret(): string {
	return `whsec_${randomBytes(32).toString('base64url')}`;
}
