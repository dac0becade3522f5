import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * scrypt, memory-hard, at OWASP's recommended cost (N = 2^17, r = 8, p = 1: 128 MiB per hash). Stored as a
 * PHC-style string "$scrypt$ln=17,r=8,p=1$<salt>$<hash>" so the cost can be raised later without breaking old hashes.
 */
const DEFAULT_COST = { ln: 17, r: 8, p: 1 };
const KEY_LENGTH = 32;
// Refuse absurd costs read back from the database: a tampered row must not turn sign-in into a memory bomb.
const MAX_LN = 20;

function derive(password: string, salt: Buffer, cost: { ln: number; r: number; p: number }): Promise<Buffer> {
	const N = 2 ** cost.ln;
	const options: ScryptOptions = { N, r: cost.r, p: cost.p, maxmem: 128 * N * cost.r * cost.p + 16 * 1024 * 1024 };
	return new Promise((resolve, reject) =>
		scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key))),
	);
}

export async function hashPassword(password: string, cost = DEFAULT_COST): Promise<string> {
	const salt = randomBytes(16);
	const key = await derive(password, salt, cost);
	return `$scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

const PHC = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
	const match = PHC.exec(stored);
	if (!match) return false;
	const [ln, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
	if (ln < 10 || ln > MAX_LN || r < 1 || r > 32 || p < 1 || p > 16) return false;
	const expected = Buffer.from(match[5], 'base64url');
	const actual = await derive(password, Buffer.from(match[4], 'base64url'), { ln, r, p });
	return expected.length === actual.length && timingSafeEqual(expected, actual);
}

let dummyHash: Promise<string> | undefined;
/** Spends the same time as a real check, so "no such e-mail" and "wrong password" cannot be told apart by timing. */
export async function burnPasswordCheck(password: string): Promise<void> {
	dummyHash ??= hashPassword('not-a-real-password');
	await verifyPassword(password, await dummyHash);
}
