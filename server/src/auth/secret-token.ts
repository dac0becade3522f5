import { createHash, randomBytes } from 'node:crypto';

/** Bearer tokens carry their kind in a prefix, so the auth hook knows which table to look in without guessing. */
export const SESSION_TOKEN_PREFIX = 'wis_';
export const API_TOKEN_PREFIX = 'wit_';

export function generateToken(prefix: string): string {
	return prefix + randomBytes(32).toString('base64url');
}

/** Only this digest is stored: a database leak does not leak usable tokens. */
export function hashToken(token: string): string {
	return createHash('sha256').update(token, 'utf8').digest('hex');
}
