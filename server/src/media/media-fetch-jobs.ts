import { type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { decryptSecret } from '../channels/secret-cipher';
import type { Db } from '../db/db';
import type { Logger } from '../logging/logger';
import { EvolutionClient } from '../providers/evolution/evolution-client';
import { findCapture, leaseDueCaptures, markCaptureAttemptFailed, type PendingCapture, trackUntrackedMedia } from './capture-records';
import type { MediaCapture } from './media-capture';

export const MEDIA_FETCH_QUEUE = 'media-fetch';

export interface MediaFetchSettings {
	prefix?: string;
	/** Attempts per file (BullMQ), exponential back-off from retryMs. */
	attempts: number;
	retryMs: number;
	/** How often the database is swept for media to fetch. */
	sweepIntervalMs: number;
	/** Media of messages older than this is not fetched (history imports would otherwise pull every old file). */
	windowMs: number;
	/** A message's own webhook base64 gets this long before the fetch is tried. */
	graceMs: number;
	/** A leased capture is handed out again after this (its job was lost: Redis flushed, a crash). */
	leaseMs: number;
	timeoutMs: number;
}

/** getBase64FromMediaMessage's 201 answer (CONTRACT, /chat). */
interface Base64Answer {
	base64?: string;
	mimetype?: string;
	fileName?: string;
}

/**
 * The background fetch of inbound media whose bytes did not come with the webhook: a sweeper finds media
 * messages without a stored file in the database and queues one BullMQ job per file (job id = media id, so replicas
 * and repeated sweeps queue it once); the worker asks the channel's Evolution for it (getBase64FromMediaMessage),
 * checks it against fileSha256/fileLength and keeps it, retrying with back-off. Driven by database rows, so nothing
 * on the webhook path touches Redis, and a lost job is found again when its lease ends.
 */
export class MediaFetchJobs {
	readonly queue: Queue;
	private worker?: Worker;
	private timer?: ReturnType<typeof setInterval>;
	private sweeping?: Promise<void>;
	private readonly connections: Redis[] = [];

	constructor(
		private readonly redisUrl: string,
		private readonly deps: { db: Db; capture: MediaCapture; logger: Logger; integrationsKey: Buffer; defaultApiKey?: string; onOutcome?: (outcome: 'stored' | 'retry' | 'failed') => void },
		private readonly settings: MediaFetchSettings,
	) {
		this.queue = new Queue(MEDIA_FETCH_QUEUE, {
			connection: this.connection(),
			prefix: settings.prefix,
			defaultJobOptions: {
				attempts: settings.attempts,
				backoff: { type: 'exponential', delay: settings.retryMs },
				removeOnComplete: true,
				removeOnFail: { age: 24 * 3600, count: 1000 },
			},
		});
		this.queue.on('error', (error) => deps.logger.warn({ err: error.message }, 'media fetch queue error'));
	}

	private connection(): Redis {
		// BullMQ needs maxRetriesPerRequest: null (its blocking calls wait as long as they must).
		const redis = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
		redis.on('error', () => undefined);
		this.connections.push(redis);
		return redis;
	}

	start(): void {
		this.worker = new Worker(MEDIA_FETCH_QUEUE, (job: Job<{ workspaceId: string; mediaId: string }>) => this.fetch(job), {
			connection: this.connection(),
			prefix: this.settings.prefix,
			concurrency: 4,
		});
		this.worker.on('error', (error) => this.deps.logger.warn({ err: error.message }, 'media fetch worker error'));
		this.timer = setInterval(() => void this.sweep(), this.settings.sweepIntervalMs);
		this.timer.unref();
	}

	/** One sweep (never two at once in this process): track new media messages, queue the captures that are due. */
	sweep(): Promise<void> {
		this.sweeping ??= this.sweepOnce()
			.catch((error) => this.deps.logger.warn({ err: error }, 'media sweep failed'))
			.finally(() => {
				this.sweeping = undefined;
			});
		return this.sweeping;
	}

	private async sweepOnce(): Promise<void> {
		await trackUntrackedMedia(this.deps.db, { windowMs: this.settings.windowMs, graceMs: this.settings.graceMs, limit: 500 });
		const due = await leaseDueCaptures(this.deps.db, { leaseMs: this.settings.leaseMs, limit: 500 });
		if (due.length === 0) return;
		await this.queue.addBulk(due.map((row) => ({ name: 'fetch', data: { workspaceId: row.workspaceId, mediaId: row.id }, opts: { jobId: row.id } })));
	}

	private async fetch(job: Job<{ workspaceId: string; mediaId: string }>): Promise<void> {
		const capture = await findCapture(this.deps.db, job.data.workspaceId, job.data.mediaId);
		if (!capture || capture.status !== 'pending') return;
		const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
		try {
			const answer = await this.download(capture);
			await this.deps.capture.keep(capture, answer.bytes, { contentType: answer.mimetype, fileName: answer.fileName }, 'fetch');
			this.deps.onOutcome?.('stored');
		} catch (error) {
			const reason = error instanceof Error ? error.message : String(error);
			await markCaptureAttemptFailed(this.deps.db, capture, reason, final);
			this.deps.onOutcome?.(final ? 'failed' : 'retry');
			if (final) this.deps.logger.error({ mediaId: capture.id, attempts: job.attemptsMade + 1, reason }, 'media could not be fetched; giving up');
			else this.deps.logger.warn({ mediaId: capture.id, attempt: job.attemptsMade + 1, reason }, 'media fetch failed; retrying');
			throw error;
		}
	}

	private async download(capture: PendingCapture): Promise<{ bytes: Buffer; mimetype?: string; fileName?: string }> {
		if (!capture.channelId || !capture.waMessageId) throw new Error('the message or its channel is gone');
		const { rows } = await this.deps.db.query<{ instanceName: string; baseUrl: string; apiKeySealed: string | null; tokenSealed: string | null }>(
			`SELECT instance_name AS "instanceName", base_url AS "baseUrl", api_key_encrypted AS "apiKeySealed", instance_token_encrypted AS "tokenSealed"
			 FROM whatsapp_channels WHERE workspace_id = $1 AND id = $2`,
			[capture.workspaceId, capture.channelId],
		);
		const channel = rows[0];
		if (!channel) throw new Error('the channel is gone');
		const key = this.deps.integrationsKey;
		const apiKey = channel.apiKeySealed ? decryptSecret(channel.apiKeySealed, key) : channel.tokenSealed ? decryptSecret(channel.tokenSealed, key) : this.deps.defaultApiKey;
		const client = new EvolutionClient({ baseUrl: channel.baseUrl, apiKey, timeoutMs: this.settings.timeoutMs });
		const answer = await client.request<Base64Answer>('POST', '/chat/getBase64FromMediaMessage', { message: { key: { id: capture.waMessageId } }, convertToMp4: false }, { instance: channel.instanceName });
		if (typeof answer?.base64 !== 'string' || answer.base64 === '') throw new Error('Evolution answered without the file (no base64)');
		const bytes = Buffer.from(answer.base64.replace(/^data:[^,]*,/, ''), 'base64');
		if (bytes.length > this.deps.capture.maxInboundBytes) throw new Error(`the file (${bytes.length} bytes) is over the inbound media limit`);
		return { bytes, mimetype: answer.mimetype, fileName: answer.fileName };
	}

	async close(): Promise<void> {
		if (this.timer) clearInterval(this.timer);
		await this.sweeping;
		await this.worker?.close().catch(() => undefined);
		await this.queue.close().catch(() => undefined);
		for (const redis of this.connections) redis.disconnect();
	}
}
