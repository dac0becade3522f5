import type { Db } from '../db/db';
import type { Logger } from '../logging/logger';
import type { MediaStore } from '../media/media-store';

/** What an audit copy that carried a deleted message becomes: the row stays (when, what event, what outcome), the body goes. */
const REDACTED_PAYLOAD = JSON.stringify({ redacted: true, reason: 'message deleted for everyone' });

interface QueuedPurge {
	id: string;
	workspaceId: string;
	channelId: string | null;
	messageId: string | null;
	waMessageId: string | null;
	mediaKeys: string[];
	pass: number;
	queuedAt: Date;
}

/**
 * When a purge looks again for audit copies written after its first pass (0085), counted from its first queueing: the
 * copy of the revoke itself or an ack committed a moment late, then the retries of a delivery, which Evolution keeps up
 * for about 20 minutes.
 */
export const LATE_COPY_PASSES_MS = [5_000, 120_000, 30 * 60_000];
/** A later pass reads the copies received from a little before the message was deleted (a copy is timed on arrival). */
const LATE_COPY_LOOKBACK = '10 minutes';

/**
 * Forgets, in the background, what migration 0065's trigger queued when a message was deleted for everyone (and the
 * workspace does not retain deleted messages): the webhook audit copies that carried the message, and the captured
 * file's bytes in the media store. Claimed with SKIP LOCKED, so replicas share the queue; a purge is removed from the
 * queue in the transaction that redacts its audit copies, and the bytes go after that commit (a store that refuses
 * gets the keys queued again). A purge that searched the audit copies queues its next, later pass (LATE_COPY_PASSES_MS).
 */
export async function purgeDeletedContent(db: Db, store: MediaStore, logger: Logger, limit = 100): Promise<number> {
	const claimed = await db.transaction(async (tx) => {
		const { rows } = await tx.query<QueuedPurge>(
			`DELETE FROM deleted_content_purges WHERE id IN (
				SELECT id FROM deleted_content_purges WHERE workspace_id IN (SELECT id FROM workspaces) AND not_before <= now()
				ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
			 ) RETURNING id, workspace_id AS "workspaceId", channel_id AS "channelId", message_id AS "messageId", wa_message_id AS "waMessageId",
			   media_keys AS "mediaKeys", pass, queued_at AS "queuedAt"`,
			[limit],
		);
		for (const purge of rows) {
			if (!purge.waMessageId) continue;
			// The id inside the stored body: any event that named the message (upsert, send.message echo, edit…).
			// The first pass reads all the channel's copies; a later one only those received around the deletion and since.
			await tx.query(
				`UPDATE webhook_deliveries SET payload = $4::jsonb
				 WHERE workspace_id = $1 AND channel_id IS NOT DISTINCT FROM $2 AND payload IS NOT NULL AND strpos(payload::text, $3) > 0
				   AND ($5::timestamptz IS NULL OR received_at >= $5::timestamptz - interval '${LATE_COPY_LOOKBACK}')`,
				[purge.workspaceId, purge.channelId, JSON.stringify(purge.waMessageId).slice(1, -1), REDACTED_PAYLOAD, purge.pass === 0 ? null : purge.queuedAt],
			);
			const next = LATE_COPY_PASSES_MS[purge.pass];
			if (next !== undefined) {
				await tx.query(
					`INSERT INTO deleted_content_purges (workspace_id, channel_id, message_id, wa_message_id, pass, queued_at, not_before)
					 VALUES ($1, $2, $3, $4, $5, $6, $6::timestamptz + $7::float8 * interval '1 millisecond')`,
					[purge.workspaceId, purge.channelId, purge.messageId, purge.waMessageId, purge.pass + 1, purge.queuedAt, next],
				);
			}
		}
		return rows;
	});
	const failed: Array<{ workspaceId: string; key: string }> = [];
	for (const purge of claimed) {
		for (const key of purge.mediaKeys) {
			await store.remove(key).catch((error: Error) => {
				failed.push({ workspaceId: purge.workspaceId, key });
				logger.warn({ err: error.message }, 'a deleted message\'s file could not be removed from the media store; trying again later');
			});
		}
	}
	for (const { workspaceId, key } of failed) {
		await db.query('INSERT INTO deleted_content_purges (workspace_id, media_keys) VALUES ($1, $2)', [workspaceId, [key]]);
	}
	return claimed.length;
}

/** Runs the purge every intervalMs (and at once); stop() ends it and waits for a run in progress. */
export function startDeletedContentPurge(db: Db, store: MediaStore, logger: Logger, intervalMs: number): { stop(): Promise<void> } {
	let running: Promise<void> | undefined;
	const run = () => {
		running ??= (async () => {
			// Drains a backlog in slices; each slice is its own short transaction.
			while ((await purgeDeletedContent(db, store, logger)) > 0);
		})()
			.catch((error: Error) => logger.warn({ err: error.message }, 'purging deleted messages\' content failed; trying again later'))
			.finally(() => {
				running = undefined;
			});
	};
	const timer = setInterval(run, intervalMs);
	timer.unref();
	run();
	return {
		stop: async () => {
			clearInterval(timer);
			await running;
		},
	};
}
