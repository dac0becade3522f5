import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../logging/logger';
import type { ChannelJobRef, ChannelJobScheduler, ChannelLifecycle, QrRefreshJob, WebhookCheckJob } from './channel-lifecycle';

export const CHANNEL_QUEUE = 'channel-lifecycle';
const HEALTH_SCHEDULER_ID = 'channel-health-sweep';

type ChannelJob =
	| { name: 'qr-refresh'; data: QrRefreshJob }
	| { name: 'reconnect-verify'; data: ChannelJobRef }
	| { name: 'health-sweep'; data: Record<string, never> }
	| { name: 'health-check'; data: ChannelJobRef }
	| { name: 'webhook-check'; data: WebhookCheckJob };

/**
 * The lifecycle's timers as BullMQ jobs in Redis, so they survive a restart and run once across replicas: the QR
 * refresh chain (delayed jobs), the reconnect check (delayed), and the health monitor (one job scheduler for the
 * whole deployment, whose sweep spreads the channels' checks over the period with jitter), and the instance webhook
 * checks a start owes (retried by the sweep while Evolution cannot be reached).
 */
export class ChannelJobs implements ChannelJobScheduler {
	readonly queue: Queue;
	private worker?: Worker;
	private readonly connections: Redis[] = [];

	constructor(
		redisUrl: string,
		private readonly options: { prefix?: string; healthIntervalMs: number; logger: Logger },
	) {
		const connection = this.connection(redisUrl);
		this.queue = new Queue(CHANNEL_QUEUE, {
			connection,
			prefix: options.prefix,
			defaultJobOptions: { removeOnComplete: 1000, removeOnFail: 1000, attempts: 2, backoff: { type: 'fixed', delay: 1000 } },
		});
		this.queue.on('error', (error) => options.logger.warn({ err: error.message }, 'channel queue error'));
		this.redisUrl = redisUrl;
	}

	private readonly redisUrl: string;

	private connection(url: string): Redis {
		// BullMQ needs maxRetriesPerRequest: null (its blocking calls wait as long as they must).
		const redis = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
		redis.on('error', () => undefined);
		this.connections.push(redis);
		return redis;
	}

	/** Starts this replica's worker and makes sure the one health scheduler exists (idempotent across replicas). */
	async start(lifecycle: ChannelLifecycle): Promise<void> {
		this.worker = new Worker(CHANNEL_QUEUE, (job: Job) => this.run(lifecycle, job as unknown as ChannelJob & Job), {
			connection: this.connection(this.redisUrl),
			prefix: this.options.prefix,
			concurrency: 4,
		});
		this.worker.on('error', (error) => this.options.logger.warn({ err: error.message }, 'channel worker error'));
		this.worker.on('failed', (job, error) => this.options.logger.warn({ job: job?.name, err: error.message }, 'channel job failed'));
		await this.queue.upsertJobScheduler(HEALTH_SCHEDULER_ID, { every: this.options.healthIntervalMs }, { name: 'health-sweep', data: {} });
	}

	private async run(lifecycle: ChannelLifecycle, job: ChannelJob): Promise<void> {
		switch (job.name) {
			case 'qr-refresh':
				return lifecycle.refreshQr(job.data);
			case 'reconnect-verify':
				return lifecycle.verifyReconnect(job.data);
			case 'health-check':
				return lifecycle.checkHealth(job.data);
			case 'webhook-check':
				return lifecycle.checkWebhook(job.data);
			case 'health-sweep': {
				// Each channel at a random point of the period: N channels do not hit Evolution in the same second.
				const channels = await lifecycle.monitoredChannels();
				const slot = Math.floor(Date.now() / this.options.healthIntervalMs);
				await this.queue.addBulk(
					channels.map((ref) => ({
						name: 'health-check',
						data: ref,
						// One check per channel and period, however many sweeps overlap.
						opts: { jobId: `health-${ref.channelId}-${slot}`, delay: Math.floor(Math.random() * this.options.healthIntervalMs * 0.5), attempts: 1 },
					})),
				);
				// Webhook checks a start could not finish (Evolution was unreachable) are tried again, once a period.
				await this.scheduleWebhookChecks((await lifecycle.pendingWebhookChecks()).map((ref) => ({ ...ref, atStart: false })));
				return;
			}
		}
	}

	async scheduleQrRefresh(job: QrRefreshJob, delayMs: number): Promise<void> {
		await this.queue.add('qr-refresh', job, { delay: delayMs, jobId: `qr-${job.channelId}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}` });
	}

	async scheduleReconnectVerify(job: ChannelJobRef, delayMs: number): Promise<void> {
		await this.queue.add('reconnect-verify', job, { delay: delayMs, attempts: 1 });
	}

	/**
	 * At most one check per channel at a time, whichever replica or sweep asks: the job id is the channel's, and the job
	 * is removed when it ends, so adding it while one waits or runs does nothing and the next sweep can add it again.
	 * (An id per health period let a sweep start a second check while a slow first one was still between reading the
	 * webhook and setting it: both found it pointing elsewhere and both set it.) A check that finds nothing owed
	 * (another replica did it) returns without calling Evolution.
	 */
	async scheduleWebhookChecks(jobs: WebhookCheckJob[]): Promise<void> {
		if (!jobs.length) return;
		await this.queue.addBulk(
			jobs.map((data) => ({ name: 'webhook-check', data, opts: { jobId: `webhook-${data.channelId}`, attempts: 1, removeOnComplete: true, removeOnFail: true } })),
		);
	}

	async close(): Promise<void> {
		await this.worker?.close().catch(() => undefined);
		await this.queue.close().catch(() => undefined);
		for (const redis of this.connections) redis.disconnect();
	}
}
