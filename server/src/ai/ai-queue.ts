import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../logging/logger';

export const AI_QUEUE_NAME = 'ai-replies';

export type AiJob =
	| { kind: 'reply'; workspaceId: string; conversationId: string }
	| { kind: 'phone-check'; workspaceId: string; conversationId: string; messageId: string; attempt: number }
	| { kind: 'idle-sweep' };

export interface AiJobHandlers {
	/** One burst of a conversation; `attempt` counts from 1, `lastAttempt` when no further try follows a throw. */
	reply(job: { workspaceId: string; conversationId: string; attempt: number; lastAttempt: boolean }): Promise<void>;
	phoneCheck(job: { workspaceId: string; conversationId: string; messageId: string; attempt: number }): Promise<void>;
	idleSweep(): Promise<void>;
}

/**
 * The AI's BullMQ queue (under QUEUE_PREFIX), shared by every replica. A customer message adds the conversation's
 * reply job with BullMQ deduplication keyed by the conversation: while the job waits, each new message pushes its
 * start back by the debounce (reschedule), so a burst is one job; while it runs, one follow-up is kept
 * (keepLastIfActive) and starts when it ends. So a conversation never has two replies being made at once, whichever
 * replica received the messages, and duplicate deliveries add nothing.
 */
export class AiQueue {
	readonly queue: Queue<AiJob>;
	private worker?: Worker<AiJob>;
	private readonly connection: Redis;

	constructor(private readonly options: { redisUrl: string; prefix?: string; logger: Logger; sweepMs: number; concurrency?: number }) {
		// BullMQ needs maxRetriesPerRequest: null (its blocking calls wait as long as they must).
		this.connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
		this.connection.on('error', () => undefined);
		this.queue = new Queue<AiJob>(AI_QUEUE_NAME, {
			connection: this.connection,
			prefix: options.prefix,
			defaultJobOptions: { removeOnComplete: true, removeOnFail: 1000 },
		});
		this.queue.on('error', (error) => options.logger.warn({ err: error.message }, 'ai queue error'));
	}

	/** The reply job of a conversation, due `delayMs` after the newest message (debounced; see the class comment). */
	async addReply(workspaceId: string, conversationId: string, debounceMs: number, retry: { attempts: number; backoffMs: number }): Promise<void> {
		await this.queue.add(
			'reply',
			{ kind: 'reply', workspaceId, conversationId },
			{
				delay: debounceMs,
				deduplication: { id: `reply:${conversationId}`, reschedule: true, keepLastIfActive: true },
				attempts: retry.attempts,
				backoff: { type: 'exponential', delay: retry.backoffMs },
			},
		);
	}

	async addPhoneCheck(input: { workspaceId: string; conversationId: string; messageId: string; attempt: number }, delayMs: number): Promise<void> {
		await this.queue.add('phone-check', { kind: 'phone-check', ...input }, { delay: delayMs, jobId: `phone-check-${input.messageId}-${input.attempt}`, attempts: 5, backoff: { type: 'fixed', delay: 1000 } });
	}

	start(handlers: AiJobHandlers): void {
		if (this.worker) return;
		// The repeatable sweep: one schedule for the deployment, whichever replica set it up.
		void this.queue
			.upsertJobScheduler('idle-sweep', { every: this.options.sweepMs }, { name: 'idle-sweep', data: { kind: 'idle-sweep' } })
			.catch((error: Error) => this.options.logger.warn({ err: error.message }, 'ai: idle sweep not scheduled'));
		this.worker = new Worker<AiJob>(AI_QUEUE_NAME, (job) => this.run(job, handlers), {
			connection: this.connection,
			prefix: this.options.prefix,
			concurrency: this.options.concurrency ?? 8,
			// A crashed replica's job comes back after its lock expires; the reply's claim in the database makes that safe.
			maxStalledCount: 5,
		});
		this.worker.on('error', (error) => this.options.logger.warn({ err: error.message }, 'ai worker error'));
		this.worker.on('failed', (job, error) => this.options.logger.warn({ jobId: job?.id, kind: job?.data.kind, err: error.message }, 'ai job failed'));
	}

	private async run(job: Job<AiJob>, handlers: AiJobHandlers): Promise<void> {
		const data = job.data;

		if (data.kind === 'reply') {
			const attempt = job.attemptsMade + 1;
			await handlers.reply({ workspaceId: data.workspaceId, conversationId: data.conversationId, attempt, lastAttempt: attempt >= (job.opts.attempts ?? 1) });
		} else if (data.kind === 'phone-check') await handlers.phoneCheck(data);
		else await handlers.idleSweep();
	}

	async close(): Promise<void> {
		await this.worker?.close().catch(() => undefined);
		await this.queue.close().catch(() => undefined);
		this.connection.disconnect();
	}
}
