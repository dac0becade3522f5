import type { Queue } from 'bullmq';
import type { Caller } from '../auth/caller';
import type { Db } from '../db/db';
import { ApiError, notFound } from '../inbox/api/api-error';
import type { ThreadMessage } from '../inbox/messages/message-view';
import type { Logger } from '../logging/logger';
import { inboxEvent, type InboxEvent, type InboxPublisher } from '../realtime/inbox-events';
import { findSendTarget, prepareSend, storeSend, type SendInput, type SendTarget } from './accept';
import { ChannelBreakers } from './circuit-breaker';
import { channelClient } from './evolution-send';
import { cancelMessage, editMessage, retryMessage, revokeMessage } from './message-actions';
import { Pacing } from './pacing';
import { conversationsForPhones, phoneTarget } from './phone-target';
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
		const [paced] = await this.forecast(target, prepared, 1);
		return this.accept({ ...prepared, paced });
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
	 * problem (a bad number, an opt-out) is answered for that item; the others go.
	 */
	async sendBatch(
		caller: Pick<Caller, 'workspaceId' | 'userId'>,
		channelId: string,
		items: Array<SendInput & { to: string; variables?: Record<string, string> }>,
	): Promise<Array<{ index: number; id?: string; status?: string; paced?: boolean; expectedSendAt?: string | null; error?: { code: string; message: string } }>> {
		await this.requireChannel(caller.workspaceId, channelId);
		const results: Array<{ index: number; id?: string; status?: string; paced?: boolean; expectedSendAt?: string | null; error?: { code: string; message: string } }> = [];
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
		const names = await this.contactNames(caller.workspaceId, [...conversations.values()]);
		const accepted: ThreadMessage[] = [];
		for (const [index, item] of items.entries()) {
			const phone = phones[index];
			if (!phone) continue;
			const conversationId = conversations.get(phone.e164)!;
			const contact = names.get(conversationId) ?? { name: null };
			const variables = { name: contact.name ?? '', first_name: (contact.name ?? '').split(/\s+/)[0] ?? '', phone: phone.e164, ...item.variables };
			const input: SendInput = { ...item, text: fill(item.text, variables), caption: fill(item.caption, variables) };
			try {
				const target = await findSendTarget(this.options.db, caller.workspaceId, conversationId);
				const prepared = await prepareSend(this.options.db, this.media, caller, target!, input, { campaign: true });
				const [paced] = await this.forecast(target!, prepared, 1);
				const message = await this.accept({ ...prepared, paced }, { announcePaced: false });
				accepted.push(message);
				results.push({ index, id: message.id, status: message.status, paced: message.paced, expectedSendAt: message.expectedSendAt });
			} catch (error) {
				results.push({ index, error: errorOf(error) });
			}
		}
		await this.announcePaced(caller.workspaceId, channelId, accepted);
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

	private async contactNames(workspaceId: string, conversationIds: string[]): Promise<Map<string, { name: string | null }>> {
		if (!conversationIds.length) return new Map();
		const { rows } = await this.options.db.query<{ id: string; name: string | null }>(
			`SELECT c.id, coalesce(ct.name, ct.push_name) AS name FROM whatsapp_conversations c JOIN contacts ct ON ct.id = c.contact_id AND ct.workspace_id = c.workspace_id
			 WHERE c.workspace_id = $1 AND c.id = ANY($2::uuid[])`,
			[workspaceId, conversationIds],
		);
		return new Map(rows.map((r) => [r.id, { name: r.name }]));
	}

	/** Proactive sends get their expected send time from pacing; paced when that is not now. Replies are never paced. */
	private async forecast(target: SendTarget, prepared: NewOutboxMessage, count: number): Promise<Array<{ expectedSendAt: Date } | null>> {
		if (prepared.origin !== 'proactive') return Array.from({ length: count }, () => null);
		const { rows } = await this.options.db.query<{ ahead: number; lastPlannedAt: Date | null }>(
			`SELECT count(*)::int AS ahead, max(expected_send_at) AS "lastPlannedAt" FROM whatsapp_messages
			 WHERE workspace_id = $1 AND channel_id = $2 AND status = 'queued' AND origin = 'proactive'`,
			[target.workspaceId, target.channelId],
		);
		const times = await this.pacing.forecast(
			{ workspaceId: target.workspaceId, channelId: target.channelId, channelSettings: target.channelSettings, channelCreatedAt: target.channelCreatedAt },
			rows[0].ahead,
			count,
			rows[0].lastPlannedAt,
		);
		const now = Date.now();
		return times.map((at) => (at.getTime() > now ? { expectedSendAt: at } : null));
	}

	/** Stores a prepared send (idempotent by clientId), announces it and enqueues it. */
	async accept(prepared: NewOutboxMessage, options: { announcePaced?: boolean } = {}): Promise<ThreadMessage> {
		const { message, created } = await storeSend(this.options.db, prepared);
		if (created) {
			await this.publish(prepared.workspaceId, [inboxEvent('message.created', { conversationId: message.conversationId, channelId: message.channelId, data: { message } })]);
			if (options.announcePaced !== false) await this.announcePaced(prepared.workspaceId, prepared.channelId, [message]);
		}
		// Enqueued again on a repeated clientId too: harmless (same job id), and it heals a lost enqueue.
		if (message.status === 'queued') {
			// Due at its expected time, looked at within a (scaled) minute at most: pacing decides again then.
			const delay = message.expectedSendAt ? Math.min(Date.parse(message.expectedSendAt) - Date.now(), 60_000 * (this.options.timeScale ?? 1)) : 0;
			await this.enqueue(message.channelId, message.id, delay);
		}
		return message;
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
