import type { Db } from '../db/db';
import type { Logger } from '../logging/logger';
import type { ProviderEvent } from '../providers/provider-events';
import { markCaptureAttemptFailed, trackMessageMedia } from './capture-records';
import { CaptureMismatchError, type MediaCapture } from './media-capture';

interface InlineFile {
	workspaceId: string;
	channelId: string;
	waMessageId: string;
	base64: string;
	sha256?: string;
	sizeBytes?: number;
	contentType?: string;
	fileName?: string;
	durationSeconds?: number;
}

/** The part of a webhook channel the hand-off needs. */
export interface InlineMediaChannel {
	id: string;
	workspaceId: string;
}

/** Counts the hand-off reports (metrics). */
export interface InlineCaptureCounters {
	onOutcome?(outcome: 'stored' | 'mismatch' | 'dropped' | 'error'): void;
}

/**
 * The hand-off from ingest for files that came inside the webhook (base64): `offer` only puts them in a bounded
 * in-memory buffer and returns, so the webhook's answer never waits for disk, a store or Redis. A background loop
 * writes them after the message is committed. When the buffer is full, or the bytes do not match WhatsApp's hash,
 * the file is left to the background fetch (media-fetch-jobs.ts), which finds the message in the database anyway.
 */
export class InlineMediaCapture {
	private readonly queue: InlineFile[] = [];
	private queuedChars = 0;
	private running?: Promise<void>;

	constructor(
		private readonly deps: { db: Db; capture: MediaCapture; logger: Logger; maxBufferedBytes: number; counters?: InlineCaptureCounters },
	) {}

	/** Synchronous and never throws: called on the webhook path once the delivery is committed. */
	offer(channel: InlineMediaChannel, events: readonly ProviderEvent[]): void {
		for (const event of events) {
			if (event.kind !== 'message' || !event.message.media?.inlineBase64) continue;
			const media = event.message.media;
			const base64 = (media.inlineBase64 as () => string)();
			// base64 is 4/3 of the bytes: a file over the inbound limit is not kept at all.
			if ((base64.length * 3) / 4 > this.deps.capture.maxInboundBytes + 3 || this.queuedChars + base64.length > (this.deps.maxBufferedBytes * 4) / 3) {
				this.deps.counters?.onOutcome?.('dropped');
				this.deps.logger.warn({ channelId: channel.id, waMessageId: event.message.waMessageId, chars: base64.length }, 'webhook media not buffered: left to the background fetch');
				continue;
			}
			this.queue.push({
				workspaceId: channel.workspaceId,
				channelId: channel.id,
				waMessageId: event.message.waMessageId,
				base64,
				sha256: media.sha256,
				sizeBytes: media.sizeBytes,
				contentType: media.mimeType,
				fileName: media.fileName,
				durationSeconds: media.durationSeconds,
			});
			this.queuedChars += base64.length;
		}
		if (this.queue.length > 0 && !this.running) {
			this.running = this.work().finally(() => {
				this.running = undefined;
			});
		}
	}

	/** Resolves once every buffered file was handled (tests, shutdown). */
	async drain(): Promise<void> {
		while (this.running) await this.running;
	}

	private async work(): Promise<void> {
		for (let file = this.queue.shift(); file; file = this.queue.shift()) {
			this.queuedChars -= file.base64.length;
			try {
				await this.keep(file);
			} catch (error) {
				this.deps.counters?.onOutcome?.('error');
				this.deps.logger.warn({ err: error, channelId: file.channelId, waMessageId: file.waMessageId }, 'webhook media not kept: left to the background fetch');
			}
		}
	}

	private async keep(file: InlineFile): Promise<void> {
		const capture = await trackMessageMedia(this.deps.db, file);
		if (!capture || capture.status !== 'pending') return;
		const bytes = Buffer.from(file.base64, 'base64');
		try {
			await this.deps.capture.keep(capture, bytes, { contentType: file.contentType, fileName: file.fileName }, 'webhook');
			this.deps.counters?.onOutcome?.('stored');
		} catch (error) {
			if (!(error instanceof CaptureMismatchError)) throw error;
			this.deps.counters?.onOutcome?.('mismatch');
			this.deps.logger.warn({ mediaId: capture.id, reason: error.message }, 'webhook media rejected: fetching it again');
			await markCaptureAttemptFailed(this.deps.db, capture, error.message, false);
		}
	}
}
