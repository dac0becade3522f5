import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The header every provider webhook must carry (set as a custom webhook header when the instance is created). */
export const WEBHOOK_SECRET_HEADER = 'x-webhook-secret';

export function generateWebhookSecret(): string {
	return randomBytes(32).toString('base64url');
}

export function hashWebhookSecret(secret: string): string {
	return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares digests, so the time taken says nothing about the secret (nor its length). */
export function webhookSecretMatches(presented: string | undefined, storedHash: string): boolean {
	if (!presented) return false;
	const given = createHash('sha256').update(presented, 'utf8').digest();
	const expected = Buffer.from(storedHash, 'hex');
	return expected.length === given.length && timingSafeEqual(given, expected);
}
