import type { Db } from '../db/db';
import type { Logger } from '../logging/logger';
import { captureExists, markCaptureStored, type PendingCapture } from './capture-records';
import { sha256Hex } from './media-library';
import { mediaKey, type MediaStore } from './media-store';

/** Why bytes do not match what WhatsApp said the file is; undefined when they do (or nothing was said). */
export function captureMismatch(bytes: Buffer, expected: { sha256?: string | null; sizeBytes?: number | null }): string | undefined {
	if (expected.sizeBytes !== undefined && expected.sizeBytes !== null && Number(expected.sizeBytes) !== bytes.length) {
		return `length ${bytes.length} differs from the fileLength ${expected.sizeBytes} WhatsApp gave`;
	}
	if (expected.sha256 && sha256Hex(bytes) !== expected.sha256.toLowerCase()) return 'SHA-256 differs from the fileSha256 WhatsApp gave';
	return undefined;
}

export class CaptureMismatchError extends Error {}

/**
 * Keeps the bytes of an inbound file, whichever way they came (the webhook's base64 or a fetch): checked against
 * WhatsApp's fileSha256 and fileLength, written to the store, then the row marked stored.
 */
export class MediaCapture {
	constructor(private readonly deps: { db: Db; store: MediaStore; logger: Logger; maxInboundBytes: number }) {}

	get maxInboundBytes(): number {
		return this.deps.maxInboundBytes;
	}

	/** Throws CaptureMismatchError when the bytes are not the file WhatsApp described. */
	async keep(capture: PendingCapture, bytes: Buffer, found: { contentType?: string; fileName?: string | null }, via: 'webhook' | 'fetch'): Promise<void> {
		const mismatch = captureMismatch(bytes, capture);
		if (mismatch) throw new CaptureMismatchError(`${via === 'webhook' ? "the webhook's base64" : 'the fetched file'}: ${mismatch}`);
		const key = mediaKey(capture.workspaceId, capture.id);
		const contentType = capture.contentType !== 'application/octet-stream' ? capture.contentType : (found.contentType ?? capture.contentType);
		await this.deps.store.put(key, bytes, contentType);
		const marked = await markCaptureStored(this.deps.db, capture, { storageKey: key, sha256: sha256Hex(bytes), sizeBytes: bytes.length, contentType, fileName: found.fileName ?? null });
		// The message was deleted for everyone while the bytes were on their way (its capture row went with it,
		// migration 0065): what was just written must not outlive it.
		if (!marked && !(await captureExists(this.deps.db, capture))) {
			await this.deps.store.remove(key);
			return;
		}
		this.deps.logger.debug({ mediaId: capture.id, sizeBytes: bytes.length, via }, 'media captured');
	}
}
