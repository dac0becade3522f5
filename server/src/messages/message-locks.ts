import { createHash } from 'node:crypto';
import type { Tx } from '../db/db';

export interface MessageRef {
	workspaceId: string;
	channelId: string;
	waMessageId: string;
}

function lockKey(ref: MessageRef): bigint {
	return createHash('sha1').update(`${ref.workspaceId}|${ref.channelId}|${ref.waMessageId}`).digest().readBigInt64BE(0);
}

/**
 * Transaction-scoped advisory locks on WhatsApp message ids. Inserting a message and applying an ack/edit/delete
 * to it take the same lock, so an update either finds the committed message or leaves a pending row that the
 * message's insert is certain to see. Keys are taken in sorted order so concurrent batches cannot deadlock.
 */
export async function lockMessageIds(tx: Tx, refs: MessageRef[]): Promise<void> {
	if (!refs.length) return;
	const keys = [...new Set(refs.map(lockKey))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	await tx.query('SELECT count(pg_advisory_xact_lock(k)) FROM unnest($1::bigint[]) AS k', [keys.map(String)]);
}
