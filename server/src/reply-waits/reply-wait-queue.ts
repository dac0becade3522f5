import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Db } from '../db/db';
import type { Logger } from '../logging/logger';
import { postDelivery } from '../webhook-subscriptions/webhook-sender';
import { closeReplyWait, conversationContact, openWaitTimeouts, pendingResume, recordResume, unresumedWaits } from './reply-waits';

export const REPLY_WAIT_QUEUE = 'reply-waits';
/** Sent with every resume POST: the same for every retry of one wait, so a receiver can drop a repeat. */
export const RESUME_ID_HEADER = 'x-whatsapp-inbox-reply-wait-id';

interface ReplyWaitJob {
	workspaceId: string;
	waitId: string;
}

export interface ResumeSettings {
	/** Tries per resume, the first included. */
	attempts: number;
	/** Back-off before the second try, doubled after each. */
	retryBaseMs: number;
	/** Per attempt. */
	timeoutMs: number;
}

/**
 * Two kinds of job on one BullMQ queue (`reply-waits` under QUEUE_PREFIX): `timeout-<wait>`, delayed until the wait
 * expires, closes it as timed out; `resume-<wait>` POSTs the closed wait's payload to the resume URL, retried with
 * exponential back-off. The row is the truth (status, payload, attempts), so a job run twice finds the wait closed or
 * already resumed, and jobs lost with Redis are queued again at start — at least once; the wait id is the dedupe id.
 */
export class ReplyWaitQueue {
	readonly queue: Queue<ReplyWaitJob>;
	private worker?: Worker<ReplyWaitJob>;
	private readonly connections: Redis[] = [];

	constructor(private readonly deps: { db: Db; integrationsKey: Buffer; logger: Logger; redisUrl: string; queuePrefix?: string; settings: ResumeSettings }) {
		this.queue = new Queue<ReplyWaitJob>(REPLY_WAIT_QUEUE, { connection: this.connection(), prefix: deps.queuePrefix, defaultJobOptions: { removeOnComplete: true, removeOnFail: 1000 } });
		this.queue.on('error', (error) => deps.logger.warn({ err: error.message }, 'reply wait queue error'));
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
		this.worker = new Worker<ReplyWaitJob>(REPLY_WAIT_QUEUE, (job) => this.run(job), { connection: this.connection(), prefix: this.deps.queuePrefix, concurrency: 4 });
		this.worker.on('error', (error) => this.deps.logger.warn({ err: error.message }, 'reply wait worker error'));
	}

	async scheduleTimeout(workspaceId: string, waitId: string, at: Date): Promise<void> {
		await this.queue.add('timeout', { workspaceId, waitId }, { jobId: `timeout-${waitId}`, delay: Math.max(0, at.getTime() - Date.now()), attempts: 20, backoff: { type: 'fixed', delay: 2000 } });
	}

	async cancelTimeout(waitId: string): Promise<void> {
		await this.queue.remove(`timeout-${waitId}`).catch(() => undefined);
	}

	async resume(workspaceId: string, waitId: string): Promise<void> {
		const { attempts, retryBaseMs } = this.deps.settings;
		await this.queue.add('resume', { workspaceId, waitId }, { jobId: `resume-${waitId}`, attempts, backoff: { type: 'exponential', delay: retryBaseMs } });
	}

	/** At start: resumes the database still owes and the timeouts of open waits (no-ops for jobs Redis still holds). */
	async recover(): Promise<void> {
		for (const row of await unresumedWaits(this.deps.db)) await this.resume(row.workspaceId, row.id);
		for (const row of await openWaitTimeouts(this.deps.db)) await this.scheduleTimeout(row.workspaceId, row.id, new Date(row.expiresAt));
	}

	private async run(job: Job<ReplyWaitJob>): Promise<void> {
		if (job.name === 'timeout') return this.timeout(job.data);
		return this.post(job);
	}

	private async timeout({ workspaceId, waitId }: ReplyWaitJob): Promise<void> {
		const { rows } = await this.deps.db.query<{ conversationId: string; expired: boolean }>(
			`SELECT conversation_id AS "conversationId", expires_at <= now() AS expired FROM reply_waits WHERE workspace_id = $1 AND id = $2 AND status = 'open'`,
			[workspaceId, waitId],
		);
		if (!rows[0]) return;
		// A job run early (clock skew between Redis and the database) tries again rather than cut a wait short.
		if (!rows[0].expired) throw new Error('reply wait not expired yet');
		const payload = { waitId, timedOut: true, reply: null, conversationId: rows[0].conversationId, contact: await conversationContact(this.deps.db, workspaceId, rows[0].conversationId) };
		if (await closeReplyWait(this.deps.db, workspaceId, waitId, 'timed_out', payload, null)) await this.resume(workspaceId, waitId);
	}

	/** One POST; a failure throws so BullMQ retries it after the back-off, the last one marks the wait's resume failed. */
	private async post(job: Job<ReplyWaitJob>): Promise<void> {
		const { workspaceId, waitId } = job.data;
		const { db, integrationsKey, settings, logger } = this.deps;
		const pending = await pendingResume(db, integrationsKey, workspaceId, waitId);
		if (!pending) return;
		const result = await postDelivery(pending.url, JSON.stringify(pending.payload), { [RESUME_ID_HEADER]: waitId }, settings.timeoutMs);
		if (result.ok) {
			await recordResume(db, workspaceId, waitId, { status: 'delivered', error: null });
			return;
		}
		const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
		await recordResume(db, workspaceId, waitId, { status: last ? 'failed' : 'pending', error: result.error });
		// The wait id only: the resume URL carries n8n's signature.
		logger.warn({ waitId, attempt: job.attemptsMade + 1, statusCode: result.statusCode, err: result.error }, last ? 'reply wait resume failed for good' : 'reply wait resume failed; retrying');
		if (!last) throw new Error(result.error ?? 'resume failed');
	}

	async close(): Promise<void> {
		await this.worker?.close().catch(() => undefined);
		await this.queue.close().catch(() => undefined);
		for (const redis of this.connections) redis.disconnect();
	}
}
