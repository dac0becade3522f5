import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Db } from '../db/db';
import type { Logger } from '../logging/logger';
import { MEDIA_WAIT_MS, mediaReadiness } from './delivery-media';
import { startDeliveryRetention } from './delivery-retention';
import { pendingDelivery, recordAttempt, unsettledDeliveries, updatePayload } from './webhook-deliveries';
import { postDelivery } from './webhook-sender';
import { DELIVERY_ID_HEADER, EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, signDelivery, TIMESTAMP_HEADER } from './webhook-signature';
import { deliveryTarget } from './webhook-subscriptions';

export const WEBHOOK_DELIVERY_QUEUE = 'webhook-deliveries';

export interface DeliveryJob {
	workspaceId: string;
	deliveryId: string;
}

export interface DeliverySettings {
	/** Tries per delivery, the first included (default 8). */
	attempts: number;
	/** Back-off before the second try; doubled for each one after (default 10 s: 10 s, 20 s, 40 s … about 21 min in all). */
	retryBaseMs: number;
	/** Per attempt (default 10 s). */
	timeoutMs: number;
}

export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = { attempts: 8, retryBaseMs: 10_000, timeoutMs: 10_000 };

/**
 * Deliveries as a BullMQ queue (`webhook-deliveries` under QUEUE_PREFIX), job id = delivery id. The database row is
 * the truth: it is written before its job and counts the attempts, so a job lost with a private Redis is queued
 * again at start (`resumeUnsettled`) and a job run twice (a replica crashed mid-attempt) sends again — at least once,
 * which receivers absorb by deduping on the event id. A retry moves the job to the delayed set under the same id.
 */
export class WebhookDeliveryQueue {
	readonly queue: Queue<DeliveryJob>;
	private worker?: Worker<DeliveryJob>;
	private retention?: { stop(): void };
	private readonly connections: Redis[] = [];

	constructor(
		private readonly deps: { db: Db; integrationsKey: Buffer; logger: Logger; redisUrl: string; queuePrefix?: string; settings: DeliverySettings },
	) {
		this.queue = new Queue<DeliveryJob>(WEBHOOK_DELIVERY_QUEUE, {
			connection: this.connection(),
			prefix: deps.queuePrefix,
			// Attempts here cover only infrastructure errors thrown out of a step (database down); HTTP retries are the row's.
			defaultJobOptions: { removeOnComplete: true, removeOnFail: 1000, attempts: 50, backoff: { type: 'fixed', delay: 2000 } },
		});
		this.queue.on('error', (error) => deps.logger.warn({ err: error.message }, 'webhook delivery queue error'));
	}

	private connection(): Redis {
		// BullMQ needs maxRetriesPerRequest: null (its blocking calls wait as long as they must).
		const redis = new Redis(this.deps.redisUrl, { maxRetriesPerRequest: null });
		redis.on('error', () => undefined);
		this.connections.push(redis);
		return redis;
	}

	start(): void {
		if (this.worker) return;
		// Settled deliveries older than two weeks are deleted, so the table does not grow for ever.
		this.retention = startDeliveryRetention(this.deps.db, this.deps.logger);
		this.worker = new Worker<DeliveryJob>(WEBHOOK_DELIVERY_QUEUE, (job, token) => this.run(job, token), {
			connection: this.connection(),
			prefix: this.deps.queuePrefix,
			// Receivers answer slowly at times; several deliveries go at once per replica.
			concurrency: 8,
		});
		this.worker.on('error', (error) => this.deps.logger.warn({ err: error.message }, 'webhook delivery worker error'));
		this.worker.on('failed', (job, error) => {
			if (!(error instanceof DelayedError)) this.deps.logger.warn({ deliveryId: job?.data.deliveryId, err: error.message }, 'webhook delivery step failed; BullMQ retries it');
		});
	}

	async enqueue(workspaceId: string, deliveryIds: string[]): Promise<void> {
		if (!deliveryIds.length) return;
		await this.queue.addBulk(deliveryIds.map((deliveryId) => ({ name: 'deliver', data: { workspaceId, deliveryId }, opts: { jobId: deliveryId } })));
	}

	/** At start: every delivery the database still owes gets its job (a no-op for those Redis still holds). */
	async resumeUnsettled(): Promise<number> {
		const rows = await unsettledDeliveries(this.deps.db, 10_000);
		for (const row of rows) await this.enqueue(row.workspaceId, [row.id]);
		if (rows.length) this.deps.logger.info({ deliveries: rows.length }, 'webhook deliveries: resuming unsettled');
		return rows.length;
	}

	/** One attempt: sign with a fresh timestamp, POST, record; a failure before the last attempt schedules the next. */
	private async run(job: Job<DeliveryJob>, token?: string): Promise<void> {
		const { workspaceId, deliveryId } = job.data;
		const { db, integrationsKey, settings, logger } = this.deps;
		const delivery = await pendingDelivery(db, workspaceId, deliveryId);
		if (!delivery) return;
		const target = await deliveryTarget(db, integrationsKey, workspaceId, delivery.subscriptionId);
		if (!target) return;
		let payload = delivery.payload;
		if (delivery.attempts === 0) {
			// A message with a file goes once the file is stored, so the receiver can fetch it (not longer than MEDIA_WAIT_MS).
			const media = await mediaReadiness(db, workspaceId, payload);
			if (media.state === 'waiting' && Date.now() - new Date(delivery.createdAt).getTime() < MEDIA_WAIT_MS) {
				await job.moveToDelayed(Date.now() + 500, token);
				throw new DelayedError();
			}
			if (media.state === 'ready' && media.payload !== payload) {
				payload = media.payload;
				await updatePayload(db, workspaceId, deliveryId, payload);
			}
		}
		const number = delivery.attempts + 1;
		const body = JSON.stringify(payload);
		const timestamp = Math.floor(Date.now() / 1000);
		const result = await postDelivery(
			target.url,
			body,
			{
				[SIGNATURE_HEADER]: signDelivery(target.secret, timestamp, body),
				[TIMESTAMP_HEADER]: String(timestamp),
				[EVENT_ID_HEADER]: delivery.eventId,
				[EVENT_TYPE_HEADER]: delivery.eventType,
				[DELIVERY_ID_HEADER]: deliveryId,
			},
			settings.timeoutMs,
		);
		const attempt = { number, statusCode: result.statusCode, error: result.error, durationMs: result.durationMs };
		if (result.ok) {
			await recordAttempt(db, workspaceId, deliveryId, attempt, { status: 'delivered' });
			return;
		}
		// Ids only: the URL may carry a token of the receiver's in its query.
		const log = { deliveryId, subscriptionId: delivery.subscriptionId, attempt: number, statusCode: result.statusCode, err: result.error };
		if (number >= settings.attempts) {
			await recordAttempt(db, workspaceId, deliveryId, attempt, { status: 'failed' });
			logger.warn(log, 'webhook delivery failed for good');
			return;
		}
		const nextAttemptAt = new Date(Date.now() + settings.retryBaseMs * 2 ** (number - 1));
		await recordAttempt(db, workspaceId, deliveryId, attempt, { status: 'pending', nextAttemptAt });
		logger.info(log, 'webhook delivery failed; retrying');
		await job.moveToDelayed(nextAttemptAt.getTime(), token);
		throw new DelayedError();
	}

	async close(): Promise<void> {
		this.retention?.stop();
		await this.worker?.close().catch(() => undefined);
		await this.queue.close().catch(() => undefined);
		for (const redis of this.connections) redis.disconnect();
	}
}
