/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/require-node-api-error, no-console */
import type { Db } from '../db/db';
import { isRetryableDbError } from '../db/retryable-error';
import type { Logger } from '../logging/logger';
import type { RealtimeEvent, RealtimePublisher } from '../realtime/publisher';
import type { Delivery, DeliveryOutcome } from './delivery';
import { persistDeliveries } from './persist-deliveries';

export interface WriteBatcherOptions {
	/** Most deliveries written in one transaction. */
	maxBatch: number;
	/** How long the first delivery of a batch waits for company when nothing else is being written. */
	maxWaitMs: number;
	/** Transactions in flight at once (PGlite runs them one at a time anyway). */
	concurrency: number;
	/** Attempts for a transaction that lost a race (deadlock, serialization failure, unique violation). */
	attempts: number;
}

interface Waiting {
	delivery: Delivery;
	resolve: (outcome: DeliveryOutcome) => void;
	reject: (error: unknown) => void;
}

/**
 * Groups deliveries that arrive within a few milliseconds into one transaction, so a burst of webhooks costs one
 * commit (one fsync) instead of one each. Each delivery's promise settles only after its rows are committed and its
 * realtime events published; a delivery that makes its batch fail is retried alone so it cannot fail the others.
 */
export class WriteBatcher {
	private readonly queue: Waiting[] = [];
	private inFlight = 0;
	private timer: NodeJS.Timeout | undefined;
	private readonly idle: Array<() => void> = [];

	constructor(
		private readonly db: Db,
		private readonly publisher: RealtimePublisher,
		private readonly logger: Logger,
		private readonly options: WriteBatcherOptions,
	) {}

	submit(delivery: Delivery): Promise<DeliveryOutcome> {
		return new Promise((resolve, reject) => {
			this.queue.push({ delivery, resolve, reject });
			this.schedule();
		});
	}

	/** Resolves once everything submitted so far is written. */
	async drain(): Promise<void> {
		if (this.queue.length === 0 && this.inFlight === 0) return;
		await new Promise<void>((resolve) => this.idle.push(resolve));
	}

	private schedule(): void {
		if (this.inFlight >= this.options.concurrency || this.queue.length === 0) return;
		if (this.queue.length >= this.options.maxBatch || this.options.maxWaitMs <= 0) {
			this.flush();
		} else if (!this.timer) {
			this.timer = setTimeout(() => this.flush(), this.options.maxWaitMs);
		}
	}

	private flush(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
		if (this.inFlight >= this.options.concurrency || this.queue.length === 0) return;
		const batch = this.queue.splice(0, this.options.maxBatch);
		this.inFlight++;
		void this.write(batch).finally(() => {
			this.inFlight--;
			// Whatever queued up meanwhile goes now: under load batches form by themselves, without waiting.
			if (this.queue.length) this.flush();
			if (this.queue.length === 0 && this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve();
		});
	}

	private async write(batch: Waiting[]): Promise<void> {
		try {
			await this.commit(batch);
		} catch (error) {
			if (batch.length === 1) {
				batch[0].reject(error);
				return;
			}
			this.logger.warn({ err: error, size: batch.length }, 'webhook batch failed; writing its deliveries one by one');
			for (const waiting of batch) {
				await this.commit([waiting]).catch((single) => waiting.reject(single));
			}
		}
	}

	private async commit(batch: Waiting[]): Promise<void> {
		const deliveries = batch.map((w) => w.delivery);
		let failure: unknown;
		for (let attempt = 1; attempt <= this.options.attempts; attempt++) {
			try {
				const result = await this.db.transaction((tx) => persistDeliveries(tx, deliveries));
				await this.publish(result.events);
				batch.forEach((waiting, index) => waiting.resolve(result.outcomes[index]));
				return;
			} catch (error) {
				failure = error;
				if (!isRetryableDbError(error)) break;
			}
		}
		throw failure;
	}

	private async publish(events: Array<{ workspaceId: string; event: Omit<RealtimeEvent, 'at'> }>): Promise<void> {
		const at = Date.now();
		const byWorkspace = new Map<string, RealtimeEvent[]>();
		for (const { workspaceId, event } of events) {
			const list = byWorkspace.get(workspaceId) ?? [];
			list.push({ ...event, at });
			byWorkspace.set(workspaceId, list);
		}
		for (const [workspaceId, list] of byWorkspace) {
			// Committed is committed: a realtime hiccup is logged, never turned into a failed webhook (and a retry).
			await this.publisher.publish(workspaceId, list).catch((error) => this.logger.warn({ err: error, workspaceId }, 'realtime publish failed'));
		}
	}
}
