import type { Queue } from 'bullmq';
import type { Caller } from '../auth/caller';
import { ApiError } from '../inbox/api/api-error';
import { actorName } from '../inbox/conversations/actor-name';
import { changeAiState } from './ai-state';
import type { Db } from '../db/db';
import type { Logger } from '../logging/logger';
import type { Outbox } from '../outbox/outbox';
import type { InboxEvent, InboxPublisher } from '../realtime/inbox-events';
import { AiQueue } from './ai-queue';
import { AttendantActivity } from './attendant-activity';
import { ReplyTrigger } from './reply-trigger';
import { InMemoryAiCounters, type AiCounters } from './ai-counters';
import { ReplyRunner } from './reply-runner';
import { IdleResume } from './idle-resume';
import type { MediaReader } from './audio-transcription';

export interface AiServiceOptions {
	db: Db;
	publisher: InboxPublisher;
	logger: Logger;
	integrationsKey: Buffer;
	outbox: Outbox;
	redisUrl: string;
	queuePrefix?: string;
	/** How often paused / handed-off conversations are looked at for the idle resume. */
	sweepMs: number;
	/** How long a fromMe message without an outbox origin waits before it counts as typed on the phone. */
	echoGraceMs: number;
	/** A user counts as online for hand-offs when their session was used this recently. */
	onlineWindowMs: number;
	counters?: AiCounters;
	media?: MediaReader;
	onQueue?: (queue: Queue) => void;
}

/**
 * The AI auto-reply (README "AI auto-reply"): hears customer messages and attendant actions on the publisher (so
 * ingest and the send paths stay unaware of it), runs the debounced reply jobs on BullMQ, and replies through the
 * outbox like every other send.
 */
export class AiService {
	readonly db: Db;
	readonly integrationsKey: Buffer;
	readonly queue: AiQueue;
	readonly activity: AttendantActivity;
	readonly trigger: ReplyTrigger;
	readonly runner: ReplyRunner;
	readonly idle: IdleResume;
	readonly counters: AiCounters;

	constructor(private readonly options: AiServiceOptions) {
		this.db = options.db;
		this.integrationsKey = options.integrationsKey;
		this.counters = options.counters ?? new InMemoryAiCounters();
		this.queue = new AiQueue({ redisUrl: options.redisUrl, prefix: options.queuePrefix, logger: options.logger, sweepMs: options.sweepMs });
		options.onQueue?.(this.queue.queue);
		this.trigger = new ReplyTrigger({ db: options.db, logger: options.logger, queue: this.queue });
		this.activity = new AttendantActivity({
			db: options.db,
			publisher: options.publisher,
			logger: options.logger,
			scheduler: { schedulePhoneCheck: (input) => this.queue.addPhoneCheck(input, options.echoGraceMs) },
			channelHasAi: (workspaceId, channelId) => this.trigger.channelHasAi(workspaceId, channelId),
		});
		this.runner = new ReplyRunner({
			db: options.db,
			publisher: options.publisher,
			logger: options.logger,
			integrationsKey: options.integrationsKey,
			outbox: options.outbox,
			counters: this.counters,
			onlineWindowMs: options.onlineWindowMs,
			media: options.media,
			requeue: (workspaceId, conversationId, debounceMs, retry) => this.queue.addReply(workspaceId, conversationId, debounceMs, retry),
		});
		this.idle = new IdleResume({ db: options.db, publisher: options.publisher, logger: options.logger });
	}

	/** The publisher's extra destinations: customer messages start reply jobs, attendant actions pause the AI. */
	attach(publisher: { addSink(sink: { send(workspaceId: string, events: InboxEvent[]): Promise<void> }): void }): void {
		publisher.addSink(this.trigger.sink());
		publisher.addSink(this.activity.sink());
	}

	start(): void {
		this.queue.start({
			reply: (job) => this.runner.run(job),
			phoneCheck: async (job) => {
				const outcome = await this.activity.checkPhoneMessage(job);
				if (outcome === 'again') await this.queue.addPhoneCheck({ ...job, attempt: job.attempt + 1 }, this.options.echoGraceMs);
			},
			idleSweep: async () => {
				await this.idle.sweep();
			},
		});
	}

	/** 422 no_ai_agent when the channel has no enabled agent (before a send that asks the AI to take the replies). */
	async requireAgent(workspaceId: string, channelId: string): Promise<void> {
		const { rows } = await this.db.query(
			'SELECT 1 FROM whatsapp_channels ch JOIN ai_agents a ON a.id = ch.ai_agent_id AND a.workspace_id = ch.workspace_id WHERE ch.workspace_id = $1 AND ch.id = $2 AND a.enabled',
			[workspaceId, channelId],
		);
		if (!rows.length) throw new ApiError(422, 'no_ai_agent', 'This channel has no enabled AI agent to take the replies; point one at it first (POST /api/v1/ai/agents with channelIds).');
	}

	/**
	 * A proactive send asked the AI to answer the replies: the conversations it went to become active (after the send,
	 * so the send itself, older than this, does not pause it; what was said before is not answered).
	 */
	async takeReplies(caller: Caller, messageIds: string[]): Promise<void> {
		if (!messageIds.length) return;
		const { rows } = await this.db.query<{ conversationId: string }>(
			'SELECT DISTINCT conversation_id AS "conversationId" FROM whatsapp_messages WHERE workspace_id = $1 AND id = ANY($2::uuid[])',
			[caller.workspaceId, messageIds],
		);
		for (const { conversationId } of rows) {
			const result = await this.db.transaction(async (tx) => {
				const by = await actorName(tx, caller);
				return changeAiState(tx, caller.workspaceId, conversationId, {
					to: 'active',
					from: ['off', 'paused', 'handed_off'],
					fromUndecided: true,
					reason: 'proactive_ai',
					line: `${by} started the conversation with the AI answering the replies`,
					lineVars: { by },
					byUserId: caller.userId,
					handledThroughNow: true,
				});
			});
			await this.publish(caller.workspaceId, result.events);
		}
	}

	/** Agents changed here: the channel → agent answers cached by this replica are read again. */
	forgetChannels(): void {
		this.trigger.forget();
	}

	async publish(workspaceId: string, events: InboxEvent[]): Promise<void> {
		if (!events.length) return;
		await this.options.publisher.publish(workspaceId, events).catch((error: Error) => this.options.logger.warn({ err: error.message }, 'ai: realtime publish failed'));
	}

	async close(): Promise<void> {
		await this.queue.close();
	}
}
