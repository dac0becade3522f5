/* eslint-disable @n8n/community-nodes/no-restricted-globals */
import type { Db } from '../db/db';
import { isRetryableDbError } from '../db/retryable-error';
import type { Logger } from '../logging/logger';
import type { RealtimeEvent, RealtimePublisher } from '../realtime/publisher';
import type { Delivery, DeliveryOutcome } from './delivery';
import { persistDeliveries } from './persist-deliveries';

export interface WriteBatcherOptions {
	/** Most deliveries written in one transaction (bounds a transaction's duration and so the latency behind it). */
	maxBatch: number;
	/** Attempts for a transaction that lost a race with another process (deadlock, serialization failure, unique violation). */
	attempts: number;
}

interface Waiting {
	delivery: Delivery;
	resolve: (outcome: DeliveryOutcome) => void;
	reject: (error: unknown) => void;
}

/**
 * The single writer of webhook deliveries in this process. Whatever queued while the previous transaction ran is
 * written by the next one, so batches grow with the load by themselves (one delivery when quiet, up to maxBatch under
 * a burst) and cost a handful of set-based statements and one commit whatever their size. One transaction at a time
 * also means deliveries of this process never race each other for the same contact or conversation rows.
 *
 * Each delivery's promise settles only after its rows are committed and its realtime events published. A delivery
 * that makes its batch fail is found by writing the batch's deliveries one by one, so it cannot fail the others.
 */
export class WriteBatcher {
	private queue: Waiting[] = [];
	private running = false;
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
			if (!this.running) {
				this.running = true;
				// After the current I/O phase: requests whose bytes arrived together are parsed first and join this batch.
				setImmediate(() => void this.run());
			}
		});
	}

	/** Resolves once everything submitted so far is written. */
	async drain(): Promise<void> {
		if (!this.running) return;
		await new Promise<void>((resolve) => this.idle.push(resolve));
	}

	private async run(): Promise<void> {
		while (this.queue.length) {
			const batch = this.queue.length <= this.options.maxBatch ? this.queue : this.queue.slice(0, this.options.maxBatch);
			this.queue = this.queue.length <= this.options.maxBatch ? [] : this.queue.slice(this.options.maxBatch);
			await this.write(batch);
		}
		this.running = false;
		for (const resolve of this.idle.splice(0)) resolve();
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
