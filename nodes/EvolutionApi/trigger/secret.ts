import { createHash, randomBytes, timingSafeEqual } from 'crypto';

/** The custom header Evolution sends with every delivery (set through `/webhook/set` `headers`). */
export const DELIVERY_HEADER_NAME = 'x-n8n-evolution-secret';

/** A fresh random secret for one trigger node (256 bits, URL-safe). */
export function generateSecret(): string {
	return randomBytes(32).toString('base64url');
}

/**
 * Constant-time comparison of a received header value with the expected secret. Both sides are
 * hashed first so that neither the length nor a common prefix leaks through the timing.
 */
export function secretMatches(received: unknown, expected: string | undefined): boolean {
	if (typeof expected !== 'string' || expected === '') return false;
	const value = Array.isArray(received) ? received[0] : received;
	if (typeof value !== 'string' || value === '') return false;
	const a = createHash('sha256').update(value).digest();
	const b = createHash('sha256').update(expected).digest();
	return timingSafeEqual(a, b);
}
