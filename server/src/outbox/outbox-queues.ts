import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../logging/logger';
import type { SendStep } from './outbox-sender';

export const outboxQueueName = (channelId: string) => `outbox-${channelId}`;

export interface OutboxJob {
	messageId: string;
}

/**
 * One BullMQ queue per channel, `outbox-<channelId>`, whose jobs are the channel's queued messages (job id = message
 * id, so enqueueing twice is harmless). Each queue runs one job at a time across every replica (BullMQ's global
 * concurrency 1, plus worker concurrency 1): never two sends from one number at once (evolution#439), while the
 * channels proceed in parallel. A step that must wait (retry back-off, pacing, a held channel) moves its job to the
 * delayed set under the same id instead of sleeping in the worker.
 */
export class OutboxQueues {
	private readonly queues = new Map<string, Queue>();
	private readonly workers = new Map<string, Worker>();
	private readonly limited = new Map<string, Promise<void>>();
	private readonly shared: Redis;
	private readonly connections: Redis[] = [];
	private closed = false;

	constructor(
		private readonly options: {
			redisUrl: string;
			prefix?: string;
			logger: Logger;
			/** Where new queues are announced (runtime.queues, for the dashboard). */
			onQueue?: (queue: Queue) => void;
			/** One step of a message, run by the queue of `channelId` (the step ignores a message of another channel). */
			step(messageId: string, channelId: string): Promise<SendStep>;
		},
	) {
		this.shared = this.connection();
	}

	private connection(): Redis {
		// BullMQ needs maxRetriesPerRequest: null (its blocking calls wait as long as they must). Never awaited by ingest.
		const redis = new Redis(this.options.redisUrl, { maxRetriesPerRequest: null });
		redis.on('error', () => undefined);
		this.connections.push(redis);
		return redis;
	}

	queue(channelId: string): Queue {
		let queue = this.queues.get(channelId);
		if (!queue) {
			queue = new Queue<OutboxJob>(outboxQueueName(channelId), {
				connection: this.shared,
				prefix: this.options.prefix,
				defaultJobOptions: {
					removeOnComplete: true,
					removeOnFail: 1000,
					// Only infrastructure errors (database down) throw out of a step; send retries are the step's own.
					attempts: 1000,
					backoff: { type: 'fixed', delay: 1000 },
				},
			});
			queue.on('error', (error) => this.options.logger.warn({ err: error.message, channelId }, 'outbox queue error'));
			this.queues.set(channelId, queue);
			this.options.onQueue?.(queue);
		}
		return queue;
	}

	/** One send at a time for the channel, across replicas; set once per queue. */
	private limit(channelId: string): Promise<void> {
		const known = this.limited.get(channelId);
		if (known) return known;
		const done = this.queue(channelId)
			.setGlobalConcurrency(1)
			.then(() => undefined)
			.catch((error: Error) => {
				this.limited.delete(channelId);
				throw error;
			});
		this.limited.set(channelId, done);
		return done;
	}

	/**
	 * Sets the one-send-at-a-time rule again when Redis no longer has it: FLUSHALL or a restart without persistence
	 * takes the queue's meta key with everything else, and without it a second replica's worker could send from the
	 * same number at the same time. The reconciler checks it on every pass (one HGET per channel with queued messages).
	 */
	async ensureLimit(channelId: string): Promise<void> {
		const queue = this.queue(channelId);
		if ((await queue.getGlobalConcurrency()) !== 1) await queue.setGlobalConcurrency(1);
	}

	/** Adds the message's job (a no-op when it exists) and makes sure this replica works the channel's queue. */
	async enqueue(channelId: string, messageId: string, delayMs = 0): Promise<void> {
		await this.limit(channelId);
		await this.queue(channelId).add('send', { messageId }, { jobId: messageId, delay: Math.max(0, Math.round(delayMs)) });
		this.ensureWorker(channelId);
	}

	async enqueueMany(channelId: string, items: Array<{ messageId: string; delayMs?: number }>): Promise<void> {
		if (!items.length) return;
		await this.limit(channelId);
		await this.queue(channelId).addBulk(
			items.map((item) => ({ name: 'send', data: { messageId: item.messageId }, opts: { jobId: item.messageId, delay: Math.max(0, Math.round(item.delayMs ?? 0)) } })),
		);
		this.ensureWorker(channelId);
	}

	ensureWorker(channelId: string): void {
		if (this.closed || this.workers.has(channelId)) return;
		const worker = new Worker<OutboxJob>(outboxQueueName(channelId), (job, token) => this.run(channelId, job, token), {
			connection: this.shared,
			prefix: this.options.prefix,
			concurrency: 1,
			// A crashed replica's job comes back after its lock expires; the row's in-flight mark makes that safe.
			maxStalledCount: 1000,
		});
		worker.on('error', (error) => this.options.logger.warn({ err: error.message, channelId }, 'outbox worker error'));
		worker.on('failed', (job, error) => {
			if (!(error instanceof DelayedError)) this.options.logger.warn({ messageId: job?.id, err: error.message }, 'outbox step failed; BullMQ retries it');
		});
		this.workers.set(channelId, worker);
	}

	private async run(channelId: string, job: Job<OutboxJob>, token?: string): Promise<void> {
		const step = await this.options.step(String(job.data?.messageId ?? ''), channelId);
		if (step.kind === 'later') {
			await job.moveToDelayed(step.at.getTime(), token);
			throw new DelayedError();
		}
	}

	/**
	 * The jobs of these messages: 'live' when one will run (waiting, delayed, active, prioritized), 'finished' when one
	 * sits there completed or failed (it would block adding the id again), 'none' when Redis has nothing under the id.
	 * Read from each job's hash (one HMGET each, pipelined), not with BullMQ's getJobState: that is a Lua script which
	 * walks the wait and active lists to find the job (LPOS), so a reconcile pass over a channel with n queued
	 * messages cost O(n²) inside Redis, blocking it — 4.9 s for 20,000 on one channel, against 0.3 s this way.
	 * A job's hash holds `timestamp` from the moment it is added and `finishedOn` once it completed or failed (a retry
	 * from the dashboard deletes it again); a completed job here is removed, hash and all (removeOnComplete).
	 */
	async jobStates(channelId: string, messageIds: string[]): Promise<Array<'live' | 'finished' | 'none'>> {
		if (!messageIds.length) return [];
		const queue = this.queue(channelId);
		const pipeline = this.shared.pipeline();
		for (const id of messageIds) pipeline.hmget(queue.toKey(id), 'timestamp', 'finishedOn');
		const answers = (await pipeline.exec()) ?? [];
		return messageIds.map((_id, index) => {
			const [error, fields] = answers[index] ?? [new Error('no answer')];
			if (error) throw error;
			const [timestamp, finishedOn] = fields as Array<string | null>;
			if (timestamp === null) return 'none';
			return finishedOn === null ? 'live' : 'finished';
		});
	}

	/** Drops a finished or failed job so the same id can be added again. */
	async removeJob(channelId: string, messageId: string): Promise<void> {
		await this.queue(channelId)
			.remove(messageId)
			.catch(() => undefined);
	}

	async pause(channelId: string): Promise<void> {
		await this.queue(channelId).pause();
	}

	async resume(channelId: string): Promise<void> {
		await this.queue(channelId).resume();
	}

	/** Runs a delayed job now (a channel came back, a breaker closed). */
	async promote(channelId: string, messageId: string): Promise<void> {
		const job = await this.queue(channelId).getJob(messageId);
		await job?.promote().catch(() => undefined);
	}

	channelIds(): string[] {
		return [...this.queues.keys()];
	}

	async close(): Promise<void> {
		this.closed = true;
		await Promise.all([...this.workers.values()].map((worker) => worker.close().catch(() => undefined)));
		await Promise.all([...this.queues.values()].map((queue) => queue.close().catch(() => undefined)));
		for (const redis of this.connections) redis.disconnect();
	}
}
