import { isSendableStatus } from '../channels/channel-status';
import type { Db } from '../db/db';
import { ApiError } from '../inbox/api/api-error';
import type { ThreadMessage } from '../inbox/messages/message-view';
import type { Logger } from '../logging/logger';
import type { EvolutionClient } from '../providers/evolution/evolution-client';
import { inboxEvent, type InboxEvent, type InboxPublisher } from '../realtime/inbox-events';
import { buildSendCall, channelClient, logUpstreamCall, type SendAnswer, type UpstreamCall } from './evolution-send';
import type { MediaSource, OutboundMedia } from './media-source';
import { findSentCopy } from './message-lookup';
import { lookAgainAt } from './pacing';
import type { OutboxCounters } from './outbox-counters';
import { StatementBatcher } from '../db/statement-batcher';
import { claimOrLoad, claimOrLoadMany, markFailed, markHeld, markRetry, markSending, markSendingMany, markSent, markSentMany, type ClaimOrLoad, type MarkSentInput, type MarkSentResult, type SendRow } from './outbox-store';
import { attemptsExhausted, MAX_SEND_ATTEMPTS, retryDelayMs } from './send-schedule';
import { classifySendFailure } from './send-failure';
import { typingDelayMs } from './typing-delay';

/** What the queue does with a job after one step: finished, or again at `at` (the same job, delayed). */
export type SendStep = { kind: 'done' } | { kind: 'later'; at: Date };

/** Decides whether a proactive send may go now (pacing.ts); undefined = now. */
export interface SendGate {
	/**
	 * Called right before a proactive send; answers when it may go instead (a held message) and the time to tell the
	 * sender, or undefined.
	 */
	holdUntil(row: SendRow): Promise<{ until: Date; expectedAt: Date } | undefined>;
}

/** Hears how each send ended, per channel (circuit-breaker.ts): the breaker opens and closes on these. */
export interface SendObserver {
	succeeded(row: SendRow): void;
	failed(row: SendRow, kind: 'rate_limited' | 'not_sent' | 'ambiguous' | 'permanent', retryAfterMs?: number): void;
	/** The channel is paused by the outbox (breaker open, auto-pause): hold its messages. */
	isPaused(channelId: string): boolean;
	/** A row held by a pause this replica did not start (another replica's, or from before a restart): keep probing it. */
	adoptPause?(row: SendRow): void;
}

export interface OutboxSenderDeps {
	db: Db;
	publisher: InboxPublisher;
	logger: Logger;
	integrationsKey: Buffer;
	/** The server's Evolution key, for channels without their own. */
	fallbackApiKey?: string;
	timeScale: number;
	sendTimeoutMs: number;
	counters: OutboxCounters;
	media: MediaSource;
	gate?: SendGate;
	observer?: SendObserver;
}

// A send call lasts at most the timeout plus the longest typing delay; an attempt marked in flight for longer than
// this (plus a margin) was cut short by a crash.
const MAX_TYPING_MS = 20_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CALL_MARGIN_MS = 5_000;
// The most sends one statement stores (or claims): beyond it, the rest wait for the next turn.
const BATCH_MAX = 200;

/**
 * One step of one outbox message, run by its channel's queue (one at a time per channel): the row decides
 * everything, so running a step twice is harmless. See send-schedule.ts for the retries and send-failure.ts for
 * what each failure means.
 */
export class OutboxSender {
	// The statements of every send — the claim (or load), the attempt of a send that took the long way, the store —
	// are shared by the steps of all channels that run them in the same turn of the event loop (statement-batcher.ts):
	// a hundred channels sending at once make a few statements a turn instead of hundreds.
	private readonly claims: StatementBatcher<{ messageId: string; claimFor: string | null }, ClaimOrLoad>;
	private readonly stores: StatementBatcher<MarkSentInput, MarkSentResult>;
	private readonly attempts: StatementBatcher<string, number | undefined>;

	constructor(private readonly deps: OutboxSenderDeps) {
		this.claims = new StatementBatcher({
			key: (item) => item.messageId,
			one: (item) => claimOrLoad(deps.db, item.messageId, item.claimFor, MAX_SEND_ATTEMPTS),
			many: (items) => claimOrLoadMany(deps.db, items, MAX_SEND_ATTEMPTS),
			max: BATCH_MAX,
		});
		this.stores = new StatementBatcher({
			key: (send) => send.ref.id,
			one: (send) => markSent(deps.db, send.ref, send.waMessageId, send.waTimestamp, send.log),
			many: (sends) => markSentMany(deps.db, sends),
			max: BATCH_MAX,
		});
		this.attempts = new StatementBatcher({
			key: (id) => id,
			one: (id) => markSending(deps.db, id),
			many: (ids) => markSendingMany(deps.db, ids),
			max: BATCH_MAX,
		});
	}

	private get holdMs(): number {
		return Math.max(200, Math.round(15_000 * this.deps.timeScale));
	}

	private get maxCallMs(): number {
		return this.deps.sendTimeoutMs + MAX_TYPING_MS + CALL_MARGIN_MS;
	}

	/**
	 * `channelId` is the channel whose queue runs the step: a job naming another channel's message (added or edited by
	 * hand on the queue dashboard) is not this queue's to send, and sending it here would break that channel's
	 * one-send-at-a-time rule; its own queue (or the reconciler) sends it.
	 */
	async step(messageId: string, channelId?: string): Promise<SendStep> {
		const { db } = this.deps;
		if (!UUID.test(messageId)) return { kind: 'done' };
		// One statement: the common case (a reply that can go at once) comes back claimed, any other row as it is.
		const claimFor = channelId !== undefined && !this.deps.observer?.isPaused(channelId) ? channelId : null;
		const loaded = await this.claims.call({ messageId, claimFor });
		if (loaded?.claimedAttempt) return this.sendClaimed(loaded.row, loaded.claimedAttempt);
		const row = loaded?.row;
		// Not an outbox row (a note, an inbound message: never sent), or already sent / failed: nothing to do.
		if (!row || row.status !== 'queued') return { kind: 'done' };
		if (channelId !== undefined && row.channelId !== channelId) {
			this.deps.logger.warn({ messageId, channelId, messageChannelId: row.channelId }, "outbox: a job named another channel's message; ignored");
			return { kind: 'done' };
		}
		if (row.provider !== 'evolution') return this.fail(row, 'unsupported_provider', 'Only Evolution channels send through the outbox.');

		// Another attempt may still be running (a crashed worker's lock expired early): wait until it cannot be.
		if (row.sendingSince && Date.now() - row.sendingSince.getTime() < this.maxCallMs) return { kind: 'later', at: new Date(row.sendingSince.getTime() + this.maxCallMs) };
		const inDoubt = row.sendInDoubt || !!row.sendingSince;

		// A channel that cannot send (closed, logged out, paused by the breaker) holds its messages, queued.
		const pausedForThis = row.outboxPausedReason === 'breaker_open' || (row.outboxPausedReason === 'proactive_paused' && row.origin === 'proactive');
		if (!isSendableStatus(row.channelStatus) || pausedForThis || this.deps.observer?.isPaused(row.channelId)) {
			if (row.outboxPausedReason === 'breaker_open') this.deps.observer?.adoptPause?.(row);
			this.deps.counters.sendOutcome(row.channelId, 'held');
			return { kind: 'later', at: new Date(Date.now() + this.holdMs) };
		}
		const client = channelClient(row, this.deps.integrationsKey, this.deps.fallbackApiKey);

		if (inDoubt) {
			let found;
			try {
				found = await findSentCopy(db, client, row);
			} catch (error) {
				// Cannot tell whether it went out: never send blindly, look again later.
				this.deps.logger.warn({ messageId: row.id, err: (error as Error).message }, 'outbox: could not look for a message in doubt; will look again');
				return { kind: 'later', at: new Date(Date.now() + retryDelayMs(1, this.deps.timeScale)) };
			}
			if (found) {
				const sent = await markSent(db, row, found.waMessageId, found.waTimestamp);
				this.deps.counters.sendOutcome(row.channelId, 'adopted');
				this.deps.logger.info({ messageId: row.id, waMessageId: found.waMessageId, via: found.via }, 'outbox: message in doubt had been sent; not sending again');
				await this.announceSent(row, sent);
				return { kind: 'done' };
			}
		}
		if (attemptsExhausted(row.attempts)) {
			this.deps.logger.error({ messageId: row.id, channelId: row.channelId, attempts: row.attempts, error: row.error }, 'outbox: message failed after every attempt');
			return this.fail(row, row.errorCode ?? 'send_failed', row.error ?? 'The message could not be sent.');
		}
		if (row.origin === 'proactive') {
			if (row.optedOutAt) return this.fail(row, 'opted_out', 'The contact asked not to receive messages (opt-out).');
			const hold = await this.deps.gate?.holdUntil(row);
			if (hold && hold.until.getTime() > Date.now()) {
				const at = new Date(lookAgainAt(hold.until.getTime(), Date.now(), this.deps.timeScale));
				const message = await markHeld(db, row, { at, expectedAt: hold.expectedAt });
				this.deps.counters.sendOutcome(row.channelId, 'held');
				// Announced when it becomes held, not on every look.
				if (message && !row.paced) await this.announce(row, message);
				return { kind: 'later', at };
			}
		}

		let media: OutboundMedia | undefined;
		try {
			media = await this.resolveMedia(row);
		} catch (error) {
			if (error instanceof ApiError) return this.fail(row, error.code, error.message);
			throw error;
		}
		const attempts = await this.attempts.call(row.id);
		if (attempts === undefined) return { kind: 'done' };
		return this.send(row, client, media, attempts);
	}

	/** A reply claimed by claimOrLoad: no media-store file (its media, if any, is a URL), nothing else to decide. */
	private async sendClaimed(row: SendRow, attempts: number): Promise<SendStep> {
		const client = channelClient(row, this.deps.integrationsKey, this.deps.fallbackApiKey);
		return this.send(row, client, await this.resolveMedia(row), attempts);
	}

	private async send(row: SendRow, client: EvolutionClient, media: OutboundMedia | undefined, attempts: number): Promise<SendStep> {
		const { db } = this.deps;
		const typing = row.request.typing && row.type !== 'reaction' && row.type !== 'contact' ? (row.request.typingMs ?? typingDelayMs(row.body)) : undefined;
		const call = buildSendCall(row, media, typing);
		const startedAt = Date.now();
		const endpoint = `${call.path}/${row.instanceName}`;
		try {
			const answer = await client.request<SendAnswer>('POST', call.path, call.body, { instance: row.instanceName, timeout: this.deps.sendTimeoutMs + (typing ?? 0) });
			const log: UpstreamCall = { workspaceId: row.workspaceId, channelId: row.channelId, messageId: row.id, operation: 'outbox_send', method: 'POST', endpoint, startedAt, request: call.body, response: answer };
			const waMessageId = answer?.key?.id;
			if (!waMessageId) {
				await logUpstreamCall(db, log);
				// Accepted without an id: it went out, but nothing ties the echo to us; look for it next time.
				return this.retry(row, attempts, { kind: 'ambiguous', code: 'no_message_id', message: 'Evolution accepted the send without a message id.' });
			}
			const seconds = Number(answer.messageTimestamp);
			// Stored with its log line in one statement.
			const sent = await this.stores.call({ ref: row, waMessageId, waTimestamp: Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : null, log });
			this.deps.counters.sendOutcome(row.channelId, 'sent');
			this.deps.counters.sendLatency(row.channelId, Date.now() - row.createdAt.getTime());
			this.deps.observer?.succeeded(row);
			await this.announceSent(row, sent);
			return { kind: 'done' };
		} catch (error) {
			await logUpstreamCall(db, { workspaceId: row.workspaceId, channelId: row.channelId, messageId: row.id, operation: 'outbox_send', method: 'POST', endpoint, startedAt, request: call.body, error });
			const failure = classifySendFailure(error);
			this.deps.observer?.failed(row, failure.kind, failure.retryAfterMs);
			if (failure.kind === 'permanent') {
				this.deps.logger.warn({ messageId: row.id, code: failure.code }, 'outbox: send refused; not retried');
				return this.fail(row, failure.code, failure.message);
			}
			if (failure.kind === 'rate_limited') {
				// Retry-After is WhatsApp's (Evolution's) clock, not ours: honoured as given; the attempt is given back.
				const waitMs = failure.retryAfterMs ?? retryDelayMs(1, this.deps.timeScale);
				this.deps.counters.sendOutcome(row.channelId, 'rate_limited');
				const message = await markRetry(db, row, { at: new Date(Date.now() + waitMs), code: failure.code, message: failure.message, inDoubt: false, refund: true });
				await this.announce(row, message);
				return { kind: 'later', at: new Date(Date.now() + waitMs) };
			}
			return this.retry(row, attempts, failure);
		}
	}

	private async retry(row: SendRow, attempts: number, failure: { kind: string; code: string; message: string }): Promise<SendStep> {
		const at = new Date(Date.now() + retryDelayMs(attempts, this.deps.timeScale));
		this.deps.counters.sendOutcome(row.channelId, 'retried');
		this.deps.logger.warn({ messageId: row.id, attempt: attempts, code: failure.code, nextAttemptAt: at.toISOString() }, 'outbox: send failed; will retry');
		const message = await markRetry(this.deps.db, row, { at, code: failure.code, message: failure.message, inDoubt: failure.kind === 'ambiguous' });
		await this.announce(row, message);
		return { kind: 'later', at };
	}

	private async fail(row: SendRow, code: string, reason: string): Promise<SendStep> {
		const message = await markFailed(this.deps.db, row, { code, message: reason });
		this.deps.counters.sendOutcome(row.channelId, 'failed');
		await this.announce(row, message);
		return { kind: 'done' };
	}

	private async resolveMedia(row: SendRow): Promise<OutboundMedia | undefined> {
		const media = row.request.media;
		if (!media) return undefined;
		if (media.mediaId) return this.deps.media.resolve(row.workspaceId, media.mediaId);
		return { media: media.url!, mimeType: media.mimeType, fileName: media.fileName };
	}

	/** Every change of an outbox row is published in the REST shape (message.updated). */
	/**
	 * The send's new state, and the removal of the copy ingest had made of its echo when the echo came first: a page
	 * that was shown that copy (message.created) drops it, or the thread would show the message twice.
	 */
	private async announceSent(row: SendRow, sent: Awaited<ReturnType<typeof markSent>>): Promise<void> {
		const events: InboxEvent[] = sent.removedCopies.map((copy) =>
			inboxEvent('message.removed', { conversationId: copy.conversationId, channelId: row.channelId, data: { id: copy.id, conversationId: copy.conversationId, replacedBy: row.id } }),
		);
		if (sent.message) events.push(inboxEvent('message.updated', { conversationId: row.conversationId, channelId: row.channelId, data: { message: sent.message } }));
		if (!events.length) return;
		await this.deps.publisher.publish(row.workspaceId, events).catch((error: Error) => this.deps.logger.warn({ err: error.message }, 'outbox: realtime publish failed'));
	}

	private async announce(row: SendRow, message: ThreadMessage | undefined): Promise<void> {
		if (!message) return;
		const event: InboxEvent = inboxEvent('message.updated', { conversationId: row.conversationId, channelId: row.channelId, data: { message } });
		await this.deps.publisher.publish(row.workspaceId, [event]).catch((error: Error) => this.deps.logger.warn({ err: error.message }, 'outbox: realtime publish failed'));
	}
}
