import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

/** How many recent delivery keys a trigger node remembers. Evolution retries up to 10 times, over ~20 minutes. */
export const DEDUPE_CAPACITY = 500;
/** How long a key counts as "recent". */
export const DEDUPE_TTL_MS = 60 * 60 * 1000;

function hash(value: string): string {
	return createHash('sha256').update(value).digest('base64url').slice(0, 22);
}

/**
 * What identifies one delivery: the event plus the message id for message events (and the status for
 * receipts), otherwise a hash of the whole body. Evolution's retries resend the identical body.
 */
export function deliveryKey(body: IDataObject, rawBody?: Buffer | string): string {
	const event = String(body.event ?? '');
	const instance = String(body.instance ?? '');
	const data = (body.data ?? {}) as IDataObject;
	if (data && typeof data === 'object' && !Array.isArray(data)) {
		const key = (data.key ?? {}) as IDataObject;
		if ((event === 'messages.upsert' || event === 'send.message') && typeof key.id === 'string') {
			return `${event}|${instance}|${key.id}`;
		}
		if (event === 'messages.update' && typeof data.keyId === 'string') {
			return `${event}|${instance}|${data.keyId}|${String(data.status ?? '')}`;
		}
	}
	const text = rawBody !== undefined ? rawBody.toString() : JSON.stringify(body);
	return `${event}|${instance}|#${hash(text)}`;
}

export interface RecentKeys {
	/** key → time first seen (ms). Insertion order is age order. */
	[key: string]: number;
}

/**
 * Records `key` in the bounded set and tells whether it was already there (a duplicate).
 * Expired keys and the oldest keys beyond `capacity` are dropped.
 */
export function rememberDelivery(
	recent: RecentKeys,
	key: string,
	now = Date.now(),
	capacity = DEDUPE_CAPACITY,
	ttlMs = DEDUPE_TTL_MS,
): boolean {
	for (const existing of Object.keys(recent)) {
		if (now - recent[existing] > ttlMs) delete recent[existing];
		else break;
	}
	if (recent[key] !== undefined) return true;
	recent[key] = now;
	const keys = Object.keys(recent);
	for (let i = 0; i < keys.length - capacity; i++) delete recent[keys[i]];
	return false;
}

/**
 * Process-wide memory of recent deliveries per trigger node, in addition to the workflow's static data:
 * two retries arriving together both read the same stored static data, so the memory closes that race.
 */
const memory = new Map<string, RecentKeys>();

export function memoryFor(scope: string): RecentKeys {
	let recent = memory.get(scope);
	if (!recent) {
		recent = {};
		memory.set(scope, recent);
		if (memory.size > 1000) memory.delete(memory.keys().next().value as string);
	}
	return recent;
}
