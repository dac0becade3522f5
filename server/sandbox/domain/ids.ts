/** Identifier formats Evolution/Baileys produce, so clients can rely on their shapes. */
import { randomBytes, randomFillSync, randomUUID } from 'node:crypto';

// Message and row ids draw from one pool of random bytes refilled 4 KiB at a time, as Node's randomUUID does: each
// randomBytes call is a trip into OpenSSL (and a getpid system call), which showed up as the largest item of the
// sandbox's CPU profile under a stream of sends.
const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let poolOffset = POOL_SIZE;
function poolHex(bytes: number): string {
	if (poolOffset + bytes > POOL_SIZE) {
		randomFillSync(pool);
		poolOffset = 0;
	}
	const text = pool.toString('hex', poolOffset, poolOffset + bytes);
	poolOffset += bytes;
	return text;
}

const hex = (bytes: number) => poolHex(bytes).toUpperCase();

/** Baileys 7 outgoing message id: `3EB0` + 18 hex characters (22 in all → source "web"). */
export const outgoingMessageId = () => '3EB0' + hex(9);

/** Ids of messages typed on phones; the pattern decides `source` (§3.4). */
export const phoneMessageId = (source: 'ios' | 'android') => (source === 'ios' ? '3A' + hex(9) : hex(16));

/** The instanceId / Instance.id. */
export const uuid = () => randomUUID();

/** Evolution's default instance token: uuidv4().toUpperCase(). */
export const instanceToken = () => randomUUID().toUpperCase();

let cuidCounter = 0;
/** Prisma cuid()-like row ids (`c` + time + counter + random), unique within the process. */
export function cuid(): string {
	cuidCounter = (cuidCounter + 1) % 1679616;
	return (
		'c' +
		Date.now().toString(36) +
		cuidCounter.toString(36).padStart(4, '0') +
		poolHex(4)
	).slice(0, 25);
}

/** Baileys' pairing-code alphabet (Crockford base32 without 0, I, O, U). */
const CROCKFORD = '123456789ABCDEFGHJKLMNPQRSTVWXYZ';
export function pairingCode(): string {
	return [...randomBytes(8)].map((byte) => CROCKFORD[byte % 32]).join('');
}

/** The raw QR string WhatsApp Web encodes: `2@ref,noiseKey,identityKey,advSecret`. */
export function qrPayload(): string {
	return ['2@' + randomBytes(60).toString('base64').replace(/[+/=]/g, ''), randomBytes(32).toString('base64'), randomBytes(32).toString('base64'), randomBytes(32).toString('base64')].join(',');
}

/** Group JIDs are 18 digits starting 1203630. */
export function groupJid(): string {
	let digits = '1203630';
	while (digits.length < 18) digits += Math.floor(Math.random() * 10).toString();
	return digits + '@g.us';
}

/** 22 alphanumerics, the invite-code format accepted by inviteInfo. */
export function inviteCode(): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	return [...randomBytes(22)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

/** A stable fake @lid for a phone number (LIDs are 14–15 digits unrelated to the number). */
export function lidFor(number: string): string {
	let hash = 0;
	for (const char of number) hash = (hash * 31 + char.charCodeAt(0)) % 1e12;
	return '20' + String(hash).padStart(13, '0') + '@lid';
}
