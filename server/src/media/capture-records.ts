import type { Queryable } from '../db/db';

/** Message types whose file the server keeps. */
export const MEDIA_MESSAGE_TYPES = ['image', 'video', 'audio', 'document', 'sticker'] as const;
const TYPES_SQL = MEDIA_MESSAGE_TYPES.map((t) => `'${t}'`).join(', ');

/** An inbound capture as the fetch needs it. */
export interface PendingCapture {
	id: string;
	workspaceId: string;
	channelId: string | null;
	messageId: string | null;
	waMessageId: string | null;
	status: 'pending' | 'stored' | 'failed';
	sha256: string | null;
	sizeBytes: number | null;
	contentType: string;
	fileName: string | null;
	attempts: number;
}

const CAPTURE_COLUMNS = `f.id, f.workspace_id AS "workspaceId", f.channel_id AS "channelId", f.message_id AS "messageId", m.wa_message_id AS "waMessageId",
	f.status, f.sha256, f.size_bytes::float8 AS "sizeBytes", f.content_type AS "contentType", f.file_name AS "fileName", f.attempts`;

/**
 * Gives every media message received in the window (and older than `graceMs`, so the webhook's own base64 goes
 * first) a pending media_files row, and points the message at it. Set-based and idempotent: replicas may run it
 * together (the unique index decides). Answers how many it tracked.
 */
export async function trackUntrackedMedia(db: Queryable, options: { windowMs: number; graceMs: number; limit: number }): Promise<number> {
	const { rowCount } = await db.query(
		`WITH untracked AS (
			SELECT m.id, m.workspace_id, m.channel_id, m.details->>'fileSha256' AS sha256, m.media_size_bytes, m.media_mime_type, m.media_file_name, m.media_duration_seconds
			FROM whatsapp_messages m
			WHERE m.media_id IS NULL AND m.type IN (${TYPES_SQL}) AND m.wa_message_id IS NOT NULL AND NOT m.is_deleted
				AND m.created_at > now() - ($1::float8 * interval '1 millisecond') AND m.created_at <= now() - ($2::float8 * interval '1 millisecond')
			ORDER BY m.created_at
			LIMIT $3
		), tracked AS (
			INSERT INTO media_files (workspace_id, message_id, channel_id, origin, sha256, size_bytes, content_type, file_name, duration_seconds)
			SELECT workspace_id, id, channel_id, 'inbound', sha256, media_size_bytes, coalesce(media_mime_type, 'application/octet-stream'), media_file_name, media_duration_seconds
			FROM untracked
			ON CONFLICT (workspace_id, message_id) WHERE origin = 'inbound' AND message_id IS NOT NULL DO UPDATE SET updated_at = now()
			RETURNING id, workspace_id, message_id
		)
		UPDATE whatsapp_messages m SET media_id = t.id FROM tracked t WHERE m.workspace_id = t.workspace_id AND m.id = t.message_id AND m.media_id IS NULL`,
		[options.windowMs, options.graceMs, options.limit],
	);
	return rowCount;
}

/** The pending row of one received message, created if needed (the webhook-base64 path). */
export async function trackMessageMedia(
	db: Queryable,
	target: { workspaceId: string; channelId: string; waMessageId: string; sha256?: string; sizeBytes?: number; contentType?: string; fileName?: string; durationSeconds?: number },
): Promise<PendingCapture | undefined> {
	const { rows } = await db.query<{ id: string }>(
		`WITH message AS (
			SELECT id, workspace_id FROM whatsapp_messages WHERE workspace_id = $1 AND channel_id = $2 AND wa_message_id = $3
		), tracked AS (
			INSERT INTO media_files (workspace_id, message_id, channel_id, origin, sha256, size_bytes, content_type, file_name, duration_seconds)
			SELECT workspace_id, id, $2, 'inbound', $4, $5, coalesce($6, 'application/octet-stream'), $7, $8 FROM message
			ON CONFLICT (workspace_id, message_id) WHERE origin = 'inbound' AND message_id IS NOT NULL DO UPDATE SET updated_at = now()
			RETURNING id, workspace_id, message_id
		)
		UPDATE whatsapp_messages m SET media_id = t.id FROM tracked t WHERE m.workspace_id = t.workspace_id AND m.id = t.message_id AND m.media_id IS NULL
		RETURNING t.id`,
		[target.workspaceId, target.channelId, target.waMessageId, target.sha256 ?? null, target.sizeBytes ?? null, target.contentType ?? null, target.fileName ?? null, target.durationSeconds ?? null],
	);
	// Already pointed at by the message (the UPDATE matched nothing): find the row by the message.
	const id =
		rows[0]?.id ??
		(
			await db.query<{ id: string }>(
				`SELECT f.id FROM media_files f JOIN whatsapp_messages m ON m.workspace_id = f.workspace_id AND m.id = f.message_id
				 WHERE f.workspace_id = $1 AND m.channel_id = $2 AND m.wa_message_id = $3 AND f.origin = 'inbound'`,
				[target.workspaceId, target.channelId, target.waMessageId],
			)
		).rows[0]?.id;
	return id ? findCapture(db, target.workspaceId, id) : undefined;
}

export async function findCapture(db: Queryable, workspaceId: string, mediaId: string): Promise<PendingCapture | undefined> {
	const { rows } = await db.query<PendingCapture>(
		`SELECT ${CAPTURE_COLUMNS} FROM media_files f LEFT JOIN whatsapp_messages m ON m.workspace_id = f.workspace_id AND m.id = f.message_id
		 WHERE f.workspace_id = $1 AND f.id = $2`,
		[workspaceId, mediaId],
	);
	return rows[0];
}

/** Pending captures due for the background fetch; each is leased for `leaseMs` so the sweeper does not hand it out again meanwhile. */
export async function leaseDueCaptures(db: Queryable, options: { leaseMs: number; limit: number }): Promise<Array<{ id: string; workspaceId: string }>> {
	const { rows } = await db.query<{ id: string; workspaceId: string }>(
		`UPDATE media_files SET next_attempt_at = now() + ($1::float8 * interval '1 millisecond')
		 WHERE id IN (SELECT id FROM media_files WHERE status = 'pending' AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
		 RETURNING id, workspace_id AS "workspaceId"`,
		[options.leaseMs, options.limit],
	);
	return rows;
}

/** The bytes are in the store: the row says so, with what they really are; the message gets the measured size. */
export async function markCaptureStored(
	db: Queryable,
	capture: PendingCapture,
	stored: { storageKey: string; sha256: string; sizeBytes: number; contentType: string; fileName: string | null },
): Promise<boolean> {
	const { rowCount } = await db.query(
		`UPDATE media_files SET status = 'stored', storage_key = $3, sha256 = $4, size_bytes = $5, content_type = $6, file_name = coalesce(file_name, $7),
			error = NULL, stored_at = now(), updated_at = now()
		 WHERE workspace_id = $1 AND id = $2 AND status <> 'stored'`,
		[capture.workspaceId, capture.id, stored.storageKey, stored.sha256, stored.sizeBytes, stored.contentType, stored.fileName],
	);
	if (capture.messageId) {
		await db.query(
			`UPDATE whatsapp_messages SET media_size_bytes = coalesce(media_size_bytes, $3), media_mime_type = coalesce(media_mime_type, $4), media_storage_key = $5
			 WHERE workspace_id = $1 AND id = $2`,
			[capture.workspaceId, capture.messageId, stored.sizeBytes, stored.contentType, stored.storageKey],
		);
	}
	return rowCount > 0;
}

/** One failed attempt: counted, its reason kept; `final` marks the capture failed (no more attempts). */
export async function markCaptureAttemptFailed(db: Queryable, capture: Pick<PendingCapture, 'id' | 'workspaceId'>, error: string, final: boolean): Promise<void> {
	await db.query(
		`UPDATE media_files SET attempts = attempts + 1, error = $3, status = CASE WHEN $4::boolean THEN 'failed' ELSE status END, updated_at = now()
		 WHERE workspace_id = $1 AND id = $2 AND status = 'pending'`,
		[capture.workspaceId, capture.id, error.slice(0, 500), final],
	);
}

/** Whether the capture's row is still there (a message deleted for everyone takes its capture with it). */
export async function captureExists(db: Queryable, capture: Pick<PendingCapture, 'workspaceId' | 'id'>): Promise<boolean> {
	const { rows } = await db.query('SELECT 1 FROM media_files WHERE workspace_id = $1 AND id = $2', [capture.workspaceId, capture.id]);
	return rows.length > 0;
}
