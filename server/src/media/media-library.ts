import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Db } from '../db/db';
import type { Logger } from '../logging/logger';
import { findMediaFile, MEDIA_FILE_COLUMNS, type MediaFile, publicMediaFile, type StoredMediaFile } from './media-files';
import { type ByteRange, mediaKey, type MediaStore } from './media-store';

export interface MediaLimits {
	/** Largest file accepted by POST /api/v1/media (413 above it). */
	maxUploadBytes: number;
	/** Largest inbound file kept (WhatsApp's own ceiling for documents is far above what an inbox wants to hold). */
	maxInboundBytes: number;
}

export interface NewMediaFile {
	bytes: Buffer;
	contentType: string;
	fileName?: string;
	durationSeconds?: number;
}

/** The bytes of a stored file with what a send needs to describe them (the outbox's media source). */
export interface MediaForSend {
	id: string;
	bytes: Buffer;
	contentType: string;
	fileName: string | null;
	sha256: string;
	sizeBytes: number;
	durationSeconds: number | null;
}

export const sha256Hex = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/**
 * The media store as the rest of the server uses it: rows in media_files, bytes in the configured store, always
 * scoped to a workspace. Uploads (outbound media) and inbound captures (media-capture.ts) both land here.
 */
export class MediaLibrary {
	constructor(
		readonly deps: { db: Db; store: MediaStore; logger: Logger; limits: MediaLimits },
	) {}

	get limits(): MediaLimits {
		return this.deps.limits;
	}

	get store(): MediaStore {
		return this.deps.store;
	}

	/** Keeps an uploaded file: bytes first, then the row, so a row marked stored always has its bytes. */
	async saveUpload(workspaceId: string, file: NewMediaFile): Promise<MediaFile> {
		const id = randomUUID();
		const key = mediaKey(workspaceId, id);
		await this.deps.store.put(key, file.bytes, file.contentType);
		try {
			const { rows } = await this.deps.db.query<MediaFile>(
				`INSERT INTO media_files (id, workspace_id, origin, sha256, size_bytes, content_type, file_name, duration_seconds, storage_key, status, stored_at)
				 VALUES ($1, $2, 'upload', $3, $4, $5, $6, $7, $8, 'stored', now()) RETURNING ${MEDIA_FILE_COLUMNS}`,
				[id, workspaceId, sha256Hex(file.bytes), file.bytes.length, file.contentType, file.fileName ?? null, file.durationSeconds ?? null, key],
			);
			return rows[0];
		} catch (error) {
			await this.deps.store.remove(key).catch(() => undefined);
			throw error;
		}
	}

	find(workspaceId: string, mediaId: string): Promise<StoredMediaFile | undefined> {
		return findMediaFile(this.deps.db, workspaceId, mediaId);
	}

	read(file: StoredMediaFile, range?: ByteRange): Promise<Readable> {
		if (!file.storageKey) throw new Error(`media file ${file.id} has no bytes yet`);
		return this.deps.store.read(file.storageKey, range);
	}

	/** A stored file of the workspace, whole, for a send; undefined when there is none (or its bytes are not in yet). */
	async loadForSend(workspaceId: string, mediaId: string): Promise<MediaForSend | undefined> {
		const file = await this.find(workspaceId, mediaId);
		if (!file || file.status !== 'stored' || !file.storageKey) return undefined;
		const bytes = await readAll(await this.deps.store.read(file.storageKey));
		return {
			id: file.id,
			bytes,
			contentType: file.contentType,
			fileName: file.fileName,
			sha256: file.sha256 ?? sha256Hex(bytes),
			sizeBytes: bytes.length,
			durationSeconds: file.durationSeconds,
		};
	}

	/** Ties an uploaded file to the message that sent it (the outbox calls this when it creates the message). */
	async attachToMessage(workspaceId: string, mediaId: string, messageId: string): Promise<void> {
		await this.deps.db.query('UPDATE media_files SET message_id = $3, updated_at = now() WHERE workspace_id = $1 AND id = $2 AND message_id IS NULL', [
			workspaceId,
			mediaId,
			messageId,
		]);
	}

	toView(file: StoredMediaFile): MediaFile {
		return publicMediaFile(file);
	}
}

export async function readAll(stream: Readable): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}
