import type { Queryable } from '../db/db';
import { isoTimestamp } from '../inbox/api/iso-timestamp';

export type MediaStatus = 'pending' | 'stored' | 'failed';

/** A media file as the API shows it (never its storage key). */
export interface MediaFile {
	id: string;
	workspaceId: string;
	messageId: string | null;
	channelId: string | null;
	origin: 'inbound' | 'upload';
	sha256: string | null;
	sizeBytes: number | null;
	contentType: string;
	fileName: string | null;
	durationSeconds: number | null;
	status: MediaStatus;
	attempts: number;
	error: string | null;
	createdAt: string;
}

/** The row with what only the server needs: where the bytes are. */
export interface StoredMediaFile extends MediaFile {
	storageKey: string | null;
}

export const MEDIA_FILE_COLUMNS = `id, workspace_id AS "workspaceId", message_id AS "messageId", channel_id AS "channelId", origin, sha256,
	size_bytes::float8 AS "sizeBytes", content_type AS "contentType", file_name AS "fileName", duration_seconds AS "durationSeconds", status,
	attempts, error, ${isoTimestamp('created_at')} AS "createdAt"`;

export async function findMediaFile(db: Queryable, workspaceId: string, mediaId: string): Promise<StoredMediaFile | undefined> {
	const { rows } = await db.query<StoredMediaFile>(
		`SELECT ${MEDIA_FILE_COLUMNS}, storage_key AS "storageKey" FROM media_files WHERE workspace_id = $1 AND id = $2`,
		[workspaceId, mediaId],
	);
	return rows[0];
}

/** Drops the storage key for an answer. */
export function publicMediaFile(file: StoredMediaFile): MediaFile {
	const { storageKey, ...rest } = file;
	void storageKey;
	return rest;
}
