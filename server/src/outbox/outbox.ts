import type { Queue } from 'bullmq';
import type { Caller } from '../auth/caller';
import type { Db } from '../db/db';
import { ApiError, notFound } from '../inbox/api/api-error';
import { isoTimestamp } from '../inbox/api/iso-timestamp';
import type { ThreadMessage } from '../inbox/messages/message-view';
import type { Logger } from '../logging/logger';
import { inboxEvent, type InboxEvent, type InboxPublisher } from '../realtime/inbox-events';
import { findSendTarget, findSendTargets, prepareSend, type SendInput, type SendTarget } from './accept';
import { ChannelBreakers } from './circuit-breaker';
import { channelClient } from './evolution-send';
import { cancelMessage, editMessage, retryMessage, revokeMessage } from './message-actions';
import { lookAgainAt, Pacing, withinPacingRhythm } from './pacing';
import { conversationsForPhones, phoneTarget } from './phone-target';
import { noMediaStore, type MediaSource } from './media-source';
import { InMemoryOutboxCounters, type OutboxCounters } from './outbox-counters';
import { OutboxQueues } from './outbox-queues';
import { OutboxSender, type SendGate, type SendObserver } from './outbox-sender';
import { insertOutboxMessages, type NewOutboxMessage } from './outbox-store';
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

/** What the sender is told when proactive sends are held back by pacing. */
export const PACED_MESSAGE = { 'pt-BR': 'Mensagens em fila para evitar bloqueio', en: 'Messages queued to avoid blocking' } as const;

/** `{{name}}`, `{{ first_name }}`…: unknown variables become empty, so no braces ever reach a customer. */
export function fill(template: string | undefined, variables: Record<string, string>): string | undefined {
	if (template === undefined) return undefined;
	return template.replace(/\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g, (_m, name: string) => variables[name] ?? '');
}

function errorOf(error: unknown): { code: string; message: string } {
	if (error instanceof ApiError) return { code: error.code, message: error.message };
	throw error;
}

// The API answers 202 once the row is committed; Redis being slow or away must not hold that answer (the
// reconciler enqueues whatever this could not).
const ENQUEUE_WAIT_MS = 2_000;
/** Storing a send faster than this leaves its plan as made (startPlansWhenStored). */
const PLAN_LAG_IGNORED_MS = 20;

/** One send of a campaign (POST /messages/batch): a send to a phone, with its own `{{variables}}`. */
export type BatchItem = SendInput & { to: string; variables?: Record<string, string> };

/** What the batch answers for one item: its message, or its own error. */
export interface BatchItemResult {
	index: number;
	id?: string;
	status?: string;
	paced?: boolean;
	expectedSendAt?: string | null;
	error?: { code: string; message: string };
}

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
	readonly pacing: Pacing;
	readonly breakers: ChannelBreakers;

	constructor(
		private readonly options: OutboxOptions,
		extensions: { gate?: SendGate; observer?: SendObserver } = {},
	) {
		this.counters = options.counters ?? new InMemoryOutboxCounters();
		this.media = options.media ?? noMediaStore;
		this.pacing = new Pacing({ db: options.db, timeScale: options.timeScale ?? 1 });
		this.breakers = new ChannelBreakers({
			db: options.db,
			publisher: options.publisher,
			logger: options.logger,
			counters: this.counters,
			timeScale: options.timeScale ?? 1,
			client: (row) => channelClient(row, options.integrationsKey, options.fallbackApiKey),
		});
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
			gate: extensions.gate ?? this.pacing,
			observer: extensions.observer ?? this.breakers,
		});
		this.queues = new OutboxQueues({
			redisUrl: options.redisUrl,
			prefix: options.queuePrefix,
			logger: options.logger,
			onQueue: options.onQueue,
			step: (messageId, channelId) => this.sender.step(messageId, channelId),
		});
		this.reconciler = new OutboxReconciler({ db: options.db, queues: this.queues, logger: options.logger, periodMs: options.reconcileMs ?? 30_000 });
	}

	/** Starts the reconciler (which also starts a worker for every channel with queued messages). */
	start(): void {
		this.reconciler.start();
	}

	async close(): Promise<void> {
		this.reconciler.stop();
		this.breakers.shutdown();
		await this.queues.close();
	}

	/** POST /conversations/:id/messages: a reply (or a proactive send, when the contact has not written in 24 h). */
	async sendToConversation(caller: Pick<Caller, 'workspaceId' | 'userId'>, conversationId: string, input: SendInput): Promise<ThreadMessage> {
		const target = await findSendTarget(this.options.db, caller.workspaceId, conversationId);
		if (!target) throw notFound('Conversation');
		const prepared = await prepareSend(this.options.db, this.media, caller, target, input);
		const plannedFrom = Date.now();
		const [planned] = await this.plan(target, [prepared], plannedFrom);
		const [message] = await this.acceptMany([planned], { plannedFrom });
		return message;
	}

	/** POST /messages: a send to a phone number on a channel; the contact and conversation are found or created. */
	async sendToPhone(caller: Pick<Caller, 'workspaceId' | 'userId'>, channelId: string, to: string, input: SendInput): Promise<ThreadMessage> {
		await this.requireChannel(caller.workspaceId, channelId);
		const phone = phoneTarget(to);
		const conversations = await conversationsForPhones(this.options.db, caller.workspaceId, channelId, [phone]);
		return this.sendToConversation(caller, conversations.get(phone.e164)!, input);
	}

	/**
	 * POST /messages/batch: up to 1,000 sends on one channel (campaigns), each its own row; `{{name}}`-style
	 * variables filled from the contact (name, first_name, phone) and the item's own variables. One item's
	 * problem (a bad number, an opt-out) is answered for that item; the others go. Accepted in a constant number of
	 * round trips whatever the count (a per-item one cost ~6 ms of the event loop a message, and the paced sends due
	 * meanwhile went late): the targets read together, one forecast for the whole campaign, one statement storing it,
	 * one publish, one enqueue.
	 */
	async sendBatch(caller: Pick<Caller, 'workspaceId' | 'userId'>, channelId: string, items: BatchItem[]): Promise<BatchItemResult[]> {
		await this.requireChannel(caller.workspaceId, channelId);
		const results: BatchItemResult[] = [];
		const phones = items.map((item, index) => {
			try {
				return phoneTarget(item.to);
			} catch (error) {
				results.push({ index, error: errorOf(error) });
				return undefined;
			}
		});
		const valid = phones.filter((p): p is NonNullable<typeof p> => !!p);
		const conversations = valid.length ? await conversationsForPhones(this.options.db, caller.workspaceId, channelId, valid) : new Map<string, string>();
		const targets = await findSendTargets(this.options.db, caller.workspaceId, [...conversations.values()]);
		const prepared: Array<{ index: number; target: SendTarget; message: NewOutboxMessage }> = [];
		for (const [index, item] of items.entries()) {
			const phone = phones[index];
			if (!phone) continue;
			try {
				const target = targets.get(conversations.get(phone.e164)!);
				if (!target) throw notFound('Conversation');
				const name = target.contactName ?? '';
				const variables = { name, first_name: name.split(/\s+/)[0] ?? '', phone: phone.e164, ...item.variables };
				const input: SendInput = { ...item, text: fill(item.text, variables), caption: fill(item.caption, variables) };
				prepared.push({ index, target, message: await prepareSend(this.options.db, this.media, caller, target, input, { campaign: true }) });
			} catch (error) {
				results.push({ index, error: errorOf(error) });
			}
		}
		if (prepared.length) {
			// Only the items that passed take a pacing slot: a refused one in the middle leaves no gap in the campaign.
			const plannedFrom = Date.now();
			const planned = await this.plan(prepared[0].target, prepared.map((p) => p.message), plannedFrom);
			const accepted = await this.acceptMany(planned, { announcePaced: false, plannedFrom });
			for (const [i, message] of accepted.entries()) {
				results.push({ index: prepared[i].index, id: message.id, status: message.status, paced: message.paced, expectedSendAt: message.expectedSendAt });
			}
			await this.announcePaced(caller.workspaceId, channelId, accepted);
		}
		return results.sort((a, b) => a.index - b.index);
	}

	async retry(caller: Pick<Caller, 'workspaceId'>, messageId: string): Promise<ThreadMessage> {
		const message = await retryMessage(this.options.db, caller, messageId);
		await this.queues.removeJob(message.channelId, message.id);
		await this.publishUpdated(caller.workspaceId, message);
		await this.enqueue(message.channelId, message.id);
		return message;
	}

	async cancel(caller: Pick<Caller, 'workspaceId'>, messageId: string): Promise<ThreadMessage> {
		const message = await cancelMessage(this.options.db, caller, messageId);
		await this.queues.removeJob(message.channelId, message.id);
		await this.publishUpdated(caller.workspaceId, message);
		return message;
	}

	async edit(caller: Pick<Caller, 'workspaceId'>, messageId: string, text: string): Promise<ThreadMessage> {
		const message = await editMessage(this.options.db, this.keys, caller, messageId, text);
		await this.publishUpdated(caller.workspaceId, message);
		return message;
	}

	async revoke(caller: Pick<Caller, 'workspaceId'>, messageId: string): Promise<ThreadMessage> {
		const message = await revokeMessage(this.options.db, this.keys, caller, messageId);
		await this.publishUpdated(caller.workspaceId, message);
		return message;
	}

	/**
	 * The channel's pacing settings changed (its queued proactive messages lost their plans, editChannel): the held ones
	 * never tried are looked at now, so the worker plans each again from the new rules instead of at the old plan.
	 * Messages in a retry's back-off keep their wait. Best effort: should Redis not answer, each is looked at by its old
	 * time at the latest (lookAgainAt), and the rules of that moment decide.
	 */
	async replan(channelId: string, messageIds: string[]): Promise<void> {
		for (let i = 0; i < messageIds.length; i += 50) {
			const chunk = messageIds.slice(i, i + 50);
			await this.withinEnqueueWait(Promise.all(chunk.map((id) => this.queues.promote(channelId, id))).then(() => undefined), { channelId, messages: chunk.length, messageId: chunk[0] });
		}
	}

	/** Ends an auto-pause of proactive sends (an admin looked at why they failed). */
	async resumeProactive(workspaceId: string, channelId: string): Promise<{ resumed: boolean }> {
		await this.requireChannel(workspaceId, channelId);
		return { resumed: await this.breakers.setPause(workspaceId, channelId, null, null, 'proactive_paused') };
	}

	private get keys() {
		return { integrationsKey: this.options.integrationsKey, fallbackApiKey: this.options.fallbackApiKey };
	}

	private async requireChannel(workspaceId: string, channelId: string): Promise<void> {
		const { rows } = await this.options.db.query<{ provider: string }>('SELECT provider FROM whatsapp_channels WHERE workspace_id = $1 AND id = $2', [workspaceId, channelId]);
		if (!rows[0]) throw notFound('Channel');
		if (rows[0].provider !== 'evolution') throw new ApiError(422, 'unsupported_provider', 'Only Evolution channels send through the server.');
	}

	/**
	 * Proactive sends get their expected send times from pacing: one forecast for all of them, in the order given,
	 * behind the channel's queued ones; paced when that time is not now. Replies are never paced. A clientId already
	 * stored, or given earlier in the list, stores nothing (the stored message is answered), so it takes no slot either.
	 * All messages go to `target`'s channel.
	 */
	private async plan(target: SendTarget, messages: NewOutboxMessage[], from: number): Promise<NewOutboxMessage[]> {
		const earlier = new Set<string>();
		const candidates = messages.flatMap((message, i) => {
			const repeated = !!message.clientId && earlier.has(message.clientId);
			if (message.clientId) earlier.add(message.clientId);
			return message.origin === 'proactive' && !repeated ? [i] : [];
		});
		if (!candidates.length) return messages;
		const { rows } = await this.options.db.query<{ ahead: number; lastPlannedAt: Date | null; storedClientIds: string[] }>(
			`SELECT count(*)::int AS ahead, max(expected_send_at) AS "lastPlannedAt",
				ARRAY(SELECT client_message_id FROM whatsapp_messages WHERE workspace_id = $1 AND client_message_id = ANY($3::text[])) AS "storedClientIds"
			 FROM whatsapp_messages WHERE workspace_id = $1 AND channel_id = $2 AND status = 'queued' AND origin = 'proactive'`,
			[target.workspaceId, target.channelId, candidates.flatMap((i) => messages[i].clientId ?? [])],
		);
		const stored = new Set(rows[0].storedClientIds);
		const slotted = candidates.filter((i) => !(messages[i].clientId && stored.has(messages[i].clientId)));
		if (!slotted.length) return messages;
		// Paced means planned later than the instant the plan starts from, even if accepting took long enough for that
		// time to pass: the plan keeps the campaign's order (a message without one is spaced from the last real send,
		// and could go after a later batch's planned message).
		const now = new Date(from);
		const times = await this.pacing.forecast(
			{ workspaceId: target.workspaceId, channelId: target.channelId, channelSettings: target.channelSettings, channelCreatedAt: target.channelCreatedAt },
			rows[0].ahead,
			slotted.length,
			rows[0].lastPlannedAt,
			now,
		);
		const planned = [...messages];
		for (const [k, i] of slotted.entries()) planned[i] = { ...messages[i], paced: times[k].getTime() > now.getTime() ? { expectedSendAt: times[k] } : null };
		return planned;
	}

	/** Stores a prepared send (idempotent by clientId), announces it and enqueues it. */
	async accept(prepared: NewOutboxMessage, options: { announcePaced?: boolean } = {}): Promise<ThreadMessage> {
		const [message] = await this.acceptMany([prepared], options);
		return message;
	}

	/**
	 * Stores prepared sends of one workspace (idempotent by clientId), in order, announces the new ones in one publish
	 * and enqueues every queued one in one call per channel. Answers the messages in the order given (a repeated
	 * clientId answers the message stored under it).
	 */
	private async acceptMany(prepared: NewOutboxMessage[], options: { announcePaced?: boolean; /** When the plans start (plan's `from`). */ plannedFrom?: number } = {}): Promise<ThreadMessage[]> {
		const { workspaceId, channelId } = prepared[0];
		let stored = await insertOutboxMessages(this.options.db, prepared);
		if (options.plannedFrom !== undefined) stored = await this.startPlansWhenStored(workspaceId, stored, options.plannedFrom);
		const created = stored.filter((s) => s.created).map((s) => s.message);
		if (created.length) {
			await this.publish(
				workspaceId,
				created.map((message) => inboxEvent('message.created', { conversationId: message.conversationId, channelId: message.channelId, data: { message } })),
			);
			if (options.announcePaced !== false) await this.announcePaced(workspaceId, channelId, created);
		}
		// Enqueued again on a repeated clientId too: harmless (same job id), and it heals a lost enqueue. A repeated
		// clientId may name a message of another channel: each goes to its own channel's queue.
		const jobs = new Map<string, Array<{ messageId: string; delayMs: number }>>();
		const scale = this.options.timeScale ?? 1;
		for (const { message } of stored) {
			if (message.status !== 'queued') continue;
			// Due at its expected time (pacing decides again then), or looked at sooner when that is far (lookAgainAt).
			const now = Date.now();
			const delayMs = message.expectedSendAt ? lookAgainAt(Date.parse(message.expectedSendAt), now, scale) - now : 0;
			const channelJobs = jobs.get(message.channelId) ?? [];
			channelJobs.push({ messageId: message.id, delayMs });
			jobs.set(message.channelId, channelJobs);
		}
		for (const [jobChannelId, channelJobs] of jobs) await this.enqueueMany(jobChannelId, channelJobs);
		return stored.map((s) => s.message);
	}

	/**
	 * Plans start from the instant they were made, and storing them can take a good part of a second when many
	 * campaigns are accepted at once; a campaign's first sends cannot go before it is stored, so they went that much
	 * after their plans (measured: the first messages of 100 campaigns of 40 accepted together, 0.8–1 s late at the
	 * median). The plans this call stored are moved by the time storing took, before anyone is told them or a job is
	 * added: what the sender hears is when the messages go. The rhythm between them is unchanged.
	 */
	private async startPlansWhenStored(
		workspaceId: string,
		stored: Array<{ message: ThreadMessage; created: boolean }>,
		plannedFrom: number,
	): Promise<Array<{ message: ThreadMessage; created: boolean }>> {
		const lagMs = Date.now() - plannedFrom;
		const planned = stored.filter((s) => s.created && s.message.status === 'queued' && s.message.expectedSendAt);
		if (lagMs < PLAN_LAG_IGNORED_MS || !planned.length) return stored;
		// Only a campaign that starts now: one planned after a queue already ahead of it, or held for an opening of the
		// send window or the next day's allowance, is not waiting for this store, and its time stays exact.
		const first = Math.min(...planned.map((s) => Date.parse(s.message.expectedSendAt!)));
		if (!withinPacingRhythm(first, plannedFrom, this.options.timeScale ?? 1)) return stored;
		const ids = planned.map((s) => s.message.id);
		const { rows } = await this.options.db.query<{ id: string; at: string }>(
			`UPDATE whatsapp_messages SET expected_send_at = expected_send_at + make_interval(secs => $3::float8), updated_at = now()
			 WHERE workspace_id = $1 AND id = ANY($2::uuid[]) AND status = 'queued' AND expected_send_at IS NOT NULL
			 RETURNING id, ${isoTimestamp('expected_send_at')} AS at`,
			[workspaceId, ids, lagMs / 1000],
		);
		const moved = new Map(rows.map((row) => [row.id, row.at]));
		return stored.map((s) => (moved.has(s.message.id) ? { ...s, message: { ...s.message, expectedSendAt: moved.get(s.message.id)! } } : s));
	}

	/** "Mensagens em fila para evitar bloqueio": tells the sender that these proactive sends are held back, and until when. */
	private async announcePaced(workspaceId: string, channelId: string, messages: ThreadMessage[]): Promise<void> {
		const paced = messages.filter((m) => m.paced);
		if (!paced.length) return;
		const last = paced.map((m) => m.expectedSendAt).filter((at): at is string => !!at).sort().pop() ?? null;
		await this.publish(workspaceId, [
			inboxEvent('message.paced', {
				channelId,
				// The channel in the data too: socket frames carry only conversationId, and a campaign spans conversations.
				data: { channelId, messageIds: paced.map((m) => m.id), count: paced.length, lastExpectedSendAt: last, message: PACED_MESSAGE },
			}),
		]);
	}

	private async publishUpdated(workspaceId: string, message: ThreadMessage): Promise<void> {
		await this.publish(workspaceId, [inboxEvent('message.updated', { conversationId: message.conversationId, channelId: message.channelId, data: { message } })]);
	}

	async enqueue(channelId: string, messageId: string, delayMs = 0): Promise<void> {
		await this.withinEnqueueWait(this.queues.enqueue(channelId, messageId, delayMs), { messageId });
	}

	async enqueueMany(channelId: string, jobs: Array<{ messageId: string; delayMs?: number }>): Promise<void> {
		if (!jobs.length) return;
		await this.withinEnqueueWait(this.queues.enqueueMany(channelId, jobs), { channelId, messages: jobs.length, messageId: jobs[0].messageId });
	}

	/** Waits for an enqueue at most ENQUEUE_WAIT_MS: the rows are committed, and the reconciler enqueues whatever this could not. */
	private async withinEnqueueWait(enqueued: Promise<void>, context: Record<string, unknown>): Promise<void> {
		let timer: NodeJS.Timeout | undefined;
		const gaveUp = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ENQUEUE_WAIT_MS)));
		try {
			const outcome = await Promise.race([enqueued.then(() => 'ok' as const), gaveUp]);
			if (outcome === 'timeout') this.options.logger.warn(context, 'outbox: enqueue is slow (Redis?); the reconciler will make sure it runs');
		} catch (error) {
			this.options.logger.warn({ ...context, err: (error as Error).message }, 'outbox: enqueue failed; the reconciler will enqueue it');
		} finally {
			clearTimeout(timer);
		}
	}

	async publish(workspaceId: string, events: InboxEvent[]): Promise<void> {
		await this.options.publisher.publish(workspaceId, events).catch((error: Error) => this.options.logger.warn({ err: error.message }, 'outbox: realtime publish failed'));
	}
}
