import type { Db } from '../db/db';
import { isDbUnavailableError, isRetryableDbError } from '../db/retryable-error';
import type { Logger } from '../logging/logger';
import { findConversation } from '../inbox/conversations/conversation-view';
import { settlePendingUpdates } from '../messages/pending-update-sweep';
import type { RealtimeEvent, RealtimePublisher } from '../realtime/publisher';
import type { Delivery, DeliveryOutcome } from './delivery';
import { persistDeliveries, type PersistResult } from './persist-deliveries';
import { persistKnownChatMessages } from './persist-known-chats';

export interface WriteBatcherOptions {
	/** Most deliveries written in one batch (bounds a transaction's duration and so the latency behind it). */
	maxBatch: number;
	/** Attempts for a transaction that lost a race with another process (deadlock, serialization failure, unique violation). */
	attempts: number;
	/** How often acks / edits / deletes still waiting for their message are settled (see pending-update-sweep.ts). */
	sweepIntervalMs: number;
}

interface Waiting {
	delivery: Delivery;
	resolve: (outcome: DeliveryOutcome) => void;
	reject: (error: unknown) => void;
	/** An earlier step stored some of this delivery's messages: it is processed whatever the rest does. */
	wrote?: boolean;
}

/**
 * Batches whose events may wait to be published. The writer never waits for publishing (a sink waiting on a Redis
 * that is down must not hold a webhook's answer: Evolution would time out and retry, and ingest would stall); past
 * this bound a batch's events are dropped with a warning instead (the rows are committed; clients re-read them).
 */
const MAX_PUBLISHES_QUEUED = 1_000;
/** How long close() waits for the last events to be published before giving up on them. */
const CLOSE_PUBLISH_WAIT_MS = 5_000;

/**
 * The single writer of webhook deliveries in this process. Whatever queued while the previous batch was written is
 * written by the next one, so batches grow with the load by themselves (one delivery when quiet, up to maxBatch under
 * a burst). A batch's chat messages from known people cost one statement (persistKnownChatMessages); the rest of the
 * batch goes through one transaction of set-based statements (persistDeliveries). One writer also means deliveries of
 * this process never race each other for the same contact or conversation rows.
 *
 * Each delivery's promise settles once its rows are committed. Their realtime events are published after that, in
 * commit order, while the next batch is already being written. A delivery that makes its transaction fail is found by
 * writing the deliveries one by one, so it cannot fail the others.
 */
export class WriteBatcher {
	private queue: Waiting[] = [];
	private running = false;
	private sweepDue = false;
	private readonly idle: Array<() => void> = [];
	/** The tail of the publishing chain, and how many batches' events are on it. */
	private published: Promise<void> = Promise.resolve();
	private publishing = 0;
	private droppedEvents = 0;
	private readonly sweepTimer: ReturnType<typeof setInterval>;

	constructor(
		private readonly db: Db,
		private readonly publisher: RealtimePublisher,
		private readonly logger: Logger,
		private readonly options: WriteBatcherOptions,
	) {
		this.sweepTimer = setInterval(() => {
			this.sweepDue = true;
			this.wake();
		}, options.sweepIntervalMs);
		this.sweepTimer.unref();
	}

	submit(delivery: Delivery): Promise<DeliveryOutcome> {
		return new Promise((resolve, reject) => {
			this.queue.push({ delivery, resolve, reject });
			this.wake();
		});
	}

	/** Resolves once everything submitted so far is written and its events published. */
	async drain(): Promise<void> {
		if (this.running) await new Promise<void>((resolve) => this.idle.push(resolve));
		await this.published;
	}

	/** Drains (waiting a bounded time for the last events to be published), and stops the periodic settling of waiting updates. */
	async close(): Promise<void> {
		clearInterval(this.sweepTimer);
		if (this.running) await new Promise<void>((resolve) => this.idle.push(resolve));
		let timer: ReturnType<typeof setTimeout> | undefined;
		const gaveUp = new Promise<boolean>((resolve) => {
			timer = setTimeout(() => resolve(true), CLOSE_PUBLISH_WAIT_MS);
			timer.unref();
		});
		if (await Promise.race([this.published.then(() => false), gaveUp])) this.logger.warn({ batches: this.publishing }, 'closing with realtime events still unpublished');
		clearTimeout(timer);
	}

	private wake(): void {
		if (this.running) return;
		this.running = true;
		// After the current I/O phase: requests whose bytes arrived together are parsed first and join this batch.
		setImmediate(() => void this.run());
	}

	private async run(): Promise<void> {
		while (this.queue.length || this.sweepDue) {
			if (this.sweepDue) {
				this.sweepDue = false;
				await this.sweep();
				continue;
			}
			const batch = this.queue.length <= this.options.maxBatch ? this.queue : this.queue.slice(0, this.options.maxBatch);
			this.queue = this.queue.length <= this.options.maxBatch ? [] : this.queue.slice(this.options.maxBatch);
			await this.write(batch);
		}
		this.running = false;
		for (const resolve of this.idle.splice(0)) resolve();
	}

	private async write(batch: Waiting[]): Promise<void> {
		const rest = await this.writeKnownChats(batch);
		if (!rest.length) return;
		try {
			await this.commit(rest);
		} catch (error) {
			// One delivery, or the database gone (every one would fail the same way): each is answered with the error
			// (a 503 for the unreachable database, so Evolution sends them again); nothing of the batch was committed.
			if (rest.length === 1 || isDbUnavailableError(error)) {
				for (const waiting of rest) waiting.reject(error);
				return;
			}
			this.logger.warn({ err: error, size: rest.length }, 'webhook batch failed; writing its deliveries one by one');
			for (const waiting of rest) {
				await this.commit([waiting]).catch((single) => waiting.reject(single));
			}
		}
	}

	/** The steady state in one statement; returns what is left for the transaction. */
	private async writeKnownChats(batch: Waiting[]): Promise<Waiting[]> {
		let result: Awaited<ReturnType<typeof persistKnownChatMessages>>;
		try {
			result = await persistKnownChatMessages(
				this.db,
				batch.map((w) => w.delivery),
			);
		} catch (error) {
			// Nothing of it was stored (one statement): the transaction below writes the batch and finds any culprit.
			this.logger.debug({ err: error, size: batch.length }, 'one-statement ingest failed; writing the batch in a transaction');
			return batch;
		}
		const done = batch.flatMap((waiting, i) => {
			const outcome = result.outcomes.get(i);
			return outcome ? [{ waiting, outcome }] : [];
		});
		this.settle(
			done.map((d) => d.waiting),
			done.map((d) => d.outcome),
			result.events,
		);
		return batch.flatMap((waiting, i) => (result.outcomes.has(i) ? [] : [{ ...waiting, wrote: result.wrote.has(i) }]));
	}

	private async commit(batch: Waiting[]): Promise<void> {
		const deliveries = batch.map((w) => w.delivery);
		const wrote = new Set(batch.flatMap((w, i) => (w.wrote ? [i] : [])));
		let failure: unknown;
		for (let attempt = 1; attempt <= this.options.attempts; attempt++) {
			try {
				const result = await this.db.transaction((tx) => persistDeliveries(tx, deliveries, wrote));
				this.settle(batch, result.outcomes, result.events);
				return;
			} catch (error) {
				failure = error;
				if (!isRetryableDbError(error)) break;
			}
		}
		throw failure;
	}

	/**
	 * Committed: answer the deliveries, then publish their events behind the earlier ones. Both wait for the next
	 * turn of the event loop, so the next batch's statement is on its way to PostgreSQL first and the answers and
	 * the events' JSON are made while it runs.
	 */
	private settle(batch: Waiting[], outcomes: DeliveryOutcome[], events: PersistResult['events']): void {
		const committedAt = Date.now();
		const nextTurn = new Promise<void>((resolve) => setImmediate(resolve));
		void nextTurn.then(() => batch.forEach((waiting, index) => waiting.resolve(outcomes[index])));
		if (!events.length) return;
		if (this.publishing >= MAX_PUBLISHES_QUEUED) {
			this.droppedEvents += events.length;
			if (this.droppedEvents === events.length || this.droppedEvents % 1_000 < events.length) this.logger.warn({ dropped: this.droppedEvents }, 'realtime publishing is stuck; dropping events of committed batches');
			return;
		}
		this.publishing++;
		this.published = this.published
			.then(() => nextTurn)
			.then(() => this.publish(events, committedAt))
			.catch((error) => this.logger.warn({ err: error }, 'realtime publish failed'))
			.finally(() => this.publishing--);
	}

	private async sweep(): Promise<void> {
		try {
			const { messages, previewsChanged } = await settlePendingUpdates(this.db);
			const events: PersistResult['events'] = messages.map(({ workspaceId, ...message }) => ({
				workspaceId,
				event: { type: 'message.updated' as const, channelId: message.channelId, conversationId: message.conversationId, data: { message } },
			}));
			for (const { workspaceId, conversationId } of previewsChanged) {
				const conversation = await findConversation(this.db, workspaceId, conversationId);
				if (conversation) events.push({ workspaceId, event: { type: 'conversation.updated', channelId: conversation.channelId, conversationId, data: { conversation } } });
			}
			this.settle([], [], events);
		} catch (error) {
			this.logger.warn({ err: error }, 'settling waiting message updates failed; trying again later');
		}
	}

	private async publish(events: PersistResult['events'], at: number): Promise<void> {
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
