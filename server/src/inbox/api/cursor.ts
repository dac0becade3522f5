import { badRequest } from './api-error';

/**
 * Keyset cursors: the (sort time, id) of the last row a page showed, opaque to clients. Stable under inserts,
 * and a deep page costs the same as the first.
 */
export interface Cursor {
	at: string;
	id: string;
	/** A tie-breaker between the time and the id, where a list has one (a thread's thread_seq), as decimal text. */
	seq?: string;
}

const MAX_BIGINT = 9_223_372_036_854_775_807n;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The sort key as text with microseconds: a JS Date would round to milliseconds and skip rows on the next page. */
export function cursorKeySql(column: string): string {
	return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

export function encodeCursor(at: string, id: string, seq?: string): string {
	return Buffer.from(JSON.stringify(seq === undefined ? [at, id] : [at, id, seq]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): Cursor {
	try {
		const [at, id, seq] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown, unknown];
		if (typeof at === 'string' && !Number.isNaN(Date.parse(at)) && typeof id === 'string' && UUID.test(id)) {
			if (seq === undefined) return { at, id };
			// A bigint, and within PostgreSQL's: a forged larger one would fail the query (a 500), not the cursor (a 400).
			if (typeof seq === 'string' && /^\d{1,19}$/.test(seq) && BigInt(seq) <= MAX_BIGINT) return { at, id, seq };
		}
	} catch {
		/* fall through */
	}
	throw badRequest('The cursor is not one this API gave out; start again without it.', 'invalid_cursor');
}

/** Drops the helper column the page query selected for the cursor. */
export function withoutSortKey<T extends { sortKey: string }>(row: T): Omit<T, 'sortKey'> {
	const { sortKey, ...rest } = row;
	void sortKey;
	return rest;
}
