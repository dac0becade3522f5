import type { Queue } from 'bullmq';
import type { Caller } from '../auth/caller';
import type { Db } from '../db/db';
import { notFound } from '../inbox/api/api-error';
import type { ThreadMessage } from '../inbox/messages/message-view';
import type { Logger } from '../logging/logger';
import { inboxEvent, type InboxEvent, type InboxPublisher } from '../realtime/inbox-events';
import { findSendTarget, prepareSend, storeSend, type SendInput } from './accept';
import { noMediaStore, type MediaSource } from './media-source';
import { InMemoryOutboxCounters, type OutboxCounters } from './outbox-counters';
import { OutboxQueues } from './outbox-queues';
import { OutboxSender, type SendGate, type SendObserver } from './outbox-sender';
import type { NewOutboxMessage } from './outbox-store';
import { OutboxReconciler } from './reconciler';

export interface OutboxOptions {
	db: Db;
	publisher: InboxPublisher;
	logger: Logger;
	integrationsKey: Buffer;
	redisUrl: string;
	queuePrefix?: string;
	/** The server's Evolution key, for channels without their own. */
	fallbackApiKey?: string;
	timeScale?: number;
	sendTimeoutMs?: number;
	reconcileMs?: number;
	counters?: OutboxCounters;
	media?: MediaSource;
	onQueue?: (queue: Queue) => void;
}

// The API answers 202 once the row is committed; Redis being slow or away must not hold that answer (the
// reconciler enqueues whatever this could not).
const ENQUEUE_WAIT_MS = 2_000;

/**
 * The outbox: accepts sends (a queued row, answered at once), runs one BullMQ queue per channel that sends them
 * through Evolution, and reconciles the jobs with the rows. See README "Sending".
 */
export class Outbox {
	readonly queues: OutboxQueues;
	readonly sender: OutboxSender;
	readonly reconciler: OutboxReconciler;
	readonly counters: OutboxCounters;
	readonly media: MediaSource;

	constructor(
		private readonly options: OutboxOptions,
		extensions: { gate?: SendGate; observer?: SendObserver } = {},
	) {
		this.counters = options.counters ?? new InMemoryOutboxCounters();
		this.media = options.media ?? noMediaStore;
		this.sender = new OutboxSender({
			db: options.db,
			publisher: options.publisher,
			logger: options.logger,
			integrationsKey: options.integrationsKey,
			fallbackApiKey: options.fallbackApiKey,
			timeScale: options.timeScale ?? 1,
			sendTimeoutMs: options.sendTimeoutMs ?? 20_000,
			counters: this.counters,
			media: this.media,
			gate: extensions.gate,
			observer: extensions.observer,
		});
		this.queues = new OutboxQueues({
			redisUrl: options.redisUrl,
			prefix: options.queuePrefix,
			logger: options.logger,
			onQueue: options.onQueue,
			step: (messageId) => this.sender.step(messageId),
		});
		this.reconciler = new OutboxReconciler({ db: options.db, queues: this.queues, logger: options.logger, periodMs: options.reconcileMs ?? 30_000 });
	}

	/** Starts the reconciler (which also starts a worker for every channel with queued messages). */
	start(): void {
		this.reconciler.start();
	}

	async close(): Promise<void> {
		this.reconciler.stop();
		await this.queues.close();
	}

	/** POST /conversations/:id/messages: a reply (or a proactive send, when the contact has not written in 24 h). */
	async sendToConversation(caller: Pick<Caller, 'workspaceId' | 'userId'>, conversationId: string, input: SendInput): Promise<ThreadMessage> {
		const target = await findSendTarget(this.options.db, caller.workspaceId, conversationId);
		if (!target) throw notFound('Conversation');
		const prepared = await prepareSend(this.options.db, this.media, caller, target, input);
		return this.accept(prepared);
	}

	/** Stores a prepared send (idempotent by clientId), announces it and enqueues it. */
	async accept(prepared: NewOutboxMessage): Promise<ThreadMessage> {
		const { message, created } = await storeSend(this.options.db, prepared);
		if (created) await this.publish(prepared.workspaceId, [inboxEvent('message.created', { conversationId: message.conversationId, channelId: message.channelId, data: { message } })]);
		// Enqueued again on a repeated clientId too: harmless (same job id), and it heals a lost enqueue.
		if (message.status === 'queued') await this.enqueue(message.channelId, message.id);
		return message;
	}

	async enqueue(channelId: string, messageId: string, delayMs = 0): Promise<void> {
		let timer: NodeJS.Timeout | undefined;
		const gaveUp = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ENQUEUE_WAIT_MS)));
		try {
			const outcome = await Promise.race([this.queues.enqueue(channelId, messageId, delayMs).then(() => 'ok' as const), gaveUp]);
			if (outcome === 'timeout') this.options.logger.warn({ messageId }, 'outbox: enqueue is slow (Redis?); the reconciler will make sure it runs');
		} catch (error) {
			this.options.logger.warn({ messageId, err: (error as Error).message }, 'outbox: enqueue failed; the reconciler will enqueue it');
		} finally {
			clearTimeout(timer);
		}
	}

	async publish(workspaceId: string, events: InboxEvent[]): Promise<void> {
		await this.options.publisher.publish(workspaceId, events).catch((error: Error) => this.options.logger.warn({ err: error.message }, 'outbox: realtime publish failed'));
	}
}
