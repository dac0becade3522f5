import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { Db } from '../db/db';
import { inboxEvent } from '../realtime/inbox-events';
import { MESSAGE_COLUMNS, type ThreadMessage } from '../inbox/messages/message-view';
import type { Logger } from '../logging/logger';
import { findSendTarget, prepareSend } from '../outbox/accept';
import type { Outbox } from '../outbox/outbox';
import type { InboxPublisher } from '../realtime/inbox-events';
import { phoneDigitsOf } from './chat-match';
import type { AgentSettings } from './agent-settings';
import { agentForChannel, type RunnableAgent } from './agent-store';
import type { AiCounters, AiOutcome } from './ai-counters';
import { changeAiState } from './ai-state';
import type { MediaReader } from './audio-transcription';
import { withinBusinessHours } from './business-hours';
import { type HandOffCause, handOff } from './hand-off';
import { completeChat, ModelError, transcribe, type ModelAnswer } from './model-client';
import { conversationContext, systemPrompt } from './prompt';
import { replyParts } from './reply-split';
import { matchesTrigger, normalised } from './trigger-match';

// How long a burst waits for a voice note's file to be captured before it goes to the model without a transcript.
const AUDIO_CAPTURE_WAIT_MS = 15_000;

interface ConversationRow {
	state: string;
	stateChangedAt: Date | null;
	handledThrough: string | null;
	awaySentAt: Date | null;
	isGroup: boolean;
	chatJid: string;
	channelId: string;
	channelName: string;
	contactName: string | null;
	contactPhone: string | null;
}

interface PendingMessage {
	id: string;
	type: string;
	body: string | null;
	transcript: string | null;
	mediaId: string | null;
	/**
	 * When we stored it, as the database's text (microseconds; a JS Date would drop them): the watermark of what was
	 * dealt with (WhatsApp's own times have whole seconds only).
	 */
	createdAt: string;
}

export interface ReplyRunnerDeps {
	db: Db;
	publisher: InboxPublisher;
	logger: Logger;
	integrationsKey: Buffer;
	outbox: Outbox;
	counters: AiCounters;
	onlineWindowMs: number;
	media?: MediaReader;
	requeue(workspaceId: string, conversationId: string, debounceMs: number, retry: { attempts: number; backoffMs: number }): Promise<void>;
}

/**
 * One burst of a conversation, run by the debounced BullMQ job: the customer messages since the last one dealt with,
 * checked against the take-over rules (state, ignore lists, trigger, keywords, business hours), answered by one model
 * call (the last N messages as context) and sent through the outbox as the AI. A burst has one final outcome, claimed
 * in ai_replies under a unique key, so a job run twice (a stalled job, a second replica) never replies twice.
 */
export class ReplyRunner {
	constructor(private readonly deps: ReplyRunnerDeps) {}

	async run(job: { workspaceId: string; conversationId: string; attempt: number; lastAttempt: boolean }): Promise<void> {
		const { workspaceId, conversationId } = job;
		const conversation = await this.conversation(workspaceId, conversationId);
		if (!conversation) return;
		const agent = await agentForChannel(this.deps.db, this.deps.integrationsKey, workspaceId, conversation.channelId);
		if (!agent) return;
		const pending = await this.pending(workspaceId, conversationId, conversation.handledThrough);
		if (!pending.length) return;
		const through = pending[pending.length - 1].createdAt;
		const texts = pending.map((m) => m.body ?? '').filter(Boolean);
		// Every way out marks the burst as dealt with (ignored here), so what is said now is never answered later.
		if ((conversation.isGroup && agent.ignoreGroups) || ignoredChat(agent, conversation)) {
			await this.markHandled(workspaceId, conversationId, through);
			return;
		}

		if (conversation.state === 'off' && conversation.stateChangedAt === null) {
			// Undecided: a conversation we started (an outbound first message) stays off; a customer's is taken once the trigger matches.
			if (await this.startedByUs(workspaceId, conversationId)) {
				await this.settle(workspaceId, conversationId, { to: 'off', reason: 'started_by_us', line: '', silent: true });
				await this.markHandled(workspaceId, conversationId, through);
				return;
			}
			if (agent.trigger.type !== 'all' && !texts.some((text) => matchesTrigger(agent.trigger, text))) {
				await this.markHandled(workspaceId, conversationId, through);
				return;
			}
			await this.settle(workspaceId, conversationId, { to: 'active', reason: 'customer_started', line: `AI agent ${agent.name} is answering this conversation`, lineVars: { agent: agent.name } });
		} else if (conversation.state !== 'active') {
			// Paused, handed off or off: the take-over holds; a customer message never resumes the AI.
			await this.markHandled(workspaceId, conversationId, through);
			return;
		}

		// An attendant's message after this burst began, not yet heard as such: the take-over holds, whatever the order.
		if (await this.attendantSpokeSince(workspaceId, conversationId, pending[0].createdAt)) {
			await this.settle(workspaceId, conversationId, { to: 'paused', reason: 'attendant_message', line: 'AI paused: an attendant sent a message', from: ['active'] });
			await this.markHandled(workspaceId, conversationId, through);
			return;
		}

		// Voice notes as text first: what the customer said there counts for the keywords and goes to the model.
		if (agent.transcribeAudio) await this.transcribePending(workspaceId, agent, pending);
		const said = pending.map((m) => m.body ?? m.transcript ?? '').filter(Boolean);
		const handOffWord = agent.handOffKeywords.find((word) => said.some((text) => containsWord(text, word)));
		if (handOffWord) {
			await this.handOff(job, agent, through, `the customer asked for a person ("${handOffWord}")`, null, { keyword: handOffWord });
			return;
		}
		if (agent.finishKeyword && said.some((text) => normalised(text) === normalised(agent.finishKeyword!))) {
			if (await this.claim(job, agent, through, 'finished', {})) {
				await this.settle(workspaceId, conversationId, { to: 'off', reason: 'finished', line: 'AI turned off: the customer ended the conversation (finish keyword)', from: ['active'] });
				this.deps.counters.replyOutcome('finished');
			} else await this.markHandled(workspaceId, conversationId, through);
			return;
		}
		if (!withinBusinessHours(agent.businessHours)) {
			await this.outsideHours(job, agent, conversation, through);
			return;
		}

		const messages: ChatCompletionMessageParam[] = [
			{ role: 'system', content: systemPrompt(agent, { contactName: conversation.contactName, channelName: conversation.channelName, now: new Date() }) },
			...(await conversationContext(this.deps.db, workspaceId, conversationId, Math.max(agent.contextMessages, pending.length))),
		];
		let answer: ModelAnswer;
		try {
			answer = await completeChat(agent, messages);
		} catch (error) {
			const failure = error instanceof ModelError ? error : new ModelError('error', 'the AI call failed');
			await this.record(job, agent, through, { outcome: 'error', error: `${failure.code}: ${failure.message}` });
			this.deps.counters.replyOutcome('error');
			this.deps.logger.warn({ conversationId, code: failure.code, attempt: job.attempt }, 'ai: model call failed');
			if (!job.lastAttempt) throw failure;
			// Retries spent: a person takes over, told why; the customer is not left in silence.
			await this.handOff(job, agent, through, `the AI provider failed after ${job.attempt} attempt${job.attempt > 1 ? 's' : ''} (${failure.message})`, null, {
				attempts: job.attempt,
			});
			return;
		}
		this.deps.counters.modelCall(answer.model, answer, answer.latencyMs);
		if (answer.handOff) {
			await this.handOff(job, agent, through, answer.handOff.reason, answer, { why: answer.handOff.reason });
			return;
		}
		await this.reply(job, agent, through, answer);
		await this.followUp(job, agent, through);
	}

	private async reply(job: { workspaceId: string; conversationId: string; attempt: number }, agent: RunnableAgent, through: string, answer: ModelAnswer): Promise<void> {
		const parts = replyParts(answer.text ?? '', { split: agent.splitMessages, timePerCharMs: agent.timePerCharMs });
		const claimed = await this.claim(job, agent, through, 'replied', answer);
		if (!claimed) {
			// An attendant took over while the model was thinking (or another run already answered): nothing goes out.
			await this.markHandled(job.workspaceId, job.conversationId, through);
			return;
		}
		const ids = await this.send(job.workspaceId, job.conversationId, claimed, parts);
		await this.deps.db.query('UPDATE ai_replies SET message_ids = $3::uuid[] WHERE workspace_id = $1 AND id = $2', [job.workspaceId, claimed, ids]);
		this.deps.counters.replyOutcome('replied');
	}

	/** Queues the parts as the AI's sends (clientId from the claim: a re-run queues nothing twice). */
	private async send(workspaceId: string, conversationId: string, replyId: string, parts: Array<{ text: string; typingMs?: number }>): Promise<string[]> {
		const target = await findSendTarget(this.deps.db, workspaceId, conversationId);
		if (!target) return [];
		const ids: string[] = [];
		for (const [index, part] of parts.entries()) {
			const prepared = await prepareSend(this.deps.db, this.deps.outbox.media, { workspaceId, userId: null }, target, { type: 'text', text: part.text, clientId: `ai:${replyId}:${index}` });
			if (part.typingMs !== undefined) prepared.request.typingMs = part.typingMs;
			const message: ThreadMessage = await this.deps.outbox.accept({ ...prepared, sentByAi: true });
			ids.push(message.id);
		}
		return ids;
	}

	/** `cause` names, for the thread's line in the reader's language, what made the AI hand off (see hand-off.ts). */
	private async handOff(
		job: { workspaceId: string; conversationId: string; attempt: number },
		agent: RunnableAgent,
		through: string,
		reason: string,
		answer: ModelAnswer | null,
		cause: HandOffCause,
	): Promise<void> {
		const claimed = await this.claim(job, agent, through, 'handed_off', answer ?? {}, { error: answer ? null : reason });
		if (!claimed) {
			await this.markHandled(job.workspaceId, job.conversationId, through);
			return;
		}
		const result = await handOff(this.deps.db, { workspaceId: job.workspaceId, conversationId: job.conversationId, reason, cause, onlineWindowMs: this.deps.onlineWindowMs });
		if (result.events.length) await this.publish(job.workspaceId, result.events);
		if (result.handedOff && agent.handOffMessage?.trim()) {
			const ids = await this.send(job.workspaceId, job.conversationId, claimed, [{ text: agent.handOffMessage.trim() }]);
			await this.deps.db.query('UPDATE ai_replies SET message_ids = $3::uuid[] WHERE workspace_id = $1 AND id = $2', [job.workspaceId, claimed, ids]);
		}
		this.deps.counters.replyOutcome('handed_off');
	}

	/** Outside business hours: the away message, once per conversation (only while the AI holds it: no attendant is active). */
	private async outsideHours(job: { workspaceId: string; conversationId: string; attempt: number }, agent: RunnableAgent, conversation: ConversationRow, through: string): Promise<void> {
		const claimed = await this.claim(job, agent, through, 'away', {});
		if (!claimed) {
			await this.markHandled(job.workspaceId, job.conversationId, through);
			return;
		}
		this.deps.counters.replyOutcome('away');
		if (conversation.awaySentAt || !agent.awayMessage?.trim()) return;
		const { rowCount } = await this.deps.db.query(
			`UPDATE whatsapp_conversations SET ai_away_sent_at = now() WHERE workspace_id = $1 AND id = $2 AND ai_away_sent_at IS NULL AND ai_state = 'active'`,
			[job.workspaceId, job.conversationId],
		);
		if (!rowCount) return;
		const ids = await this.send(job.workspaceId, job.conversationId, claimed, [{ text: agent.awayMessage.trim() }]);
		await this.deps.db.query('UPDATE ai_replies SET message_ids = $3::uuid[] WHERE workspace_id = $1 AND id = $2', [job.workspaceId, claimed, ids]);
	}

	/**
	 * The burst's final outcome, once: inserted under the unique (conversation, burst) key with the conversation row
	 * locked and the state still active, and the burst marked handled. Answers the record's id, or null when another
	 * run already settled this burst or the AI is no longer active.
	 */
	private async claim(
		job: { workspaceId: string; conversationId: string; attempt: number },
		agent: RunnableAgent,
		through: string,
		outcome: AiOutcome,
		usage: Partial<ModelAnswer>,
		options: { error?: string | null } = {},
	): Promise<string | null> {
		return this.deps.db.transaction(async (tx) => {
			const { rows } = await tx.query<{ state: string }>('SELECT ai_state AS state FROM whatsapp_conversations WHERE workspace_id = $1 AND id = $2 FOR UPDATE', [
				job.workspaceId,
				job.conversationId,
			]);
			// An attendant took over meanwhile (paused, or given to a person): the AI does nothing more here.
			if (!rows[0] || rows[0].state !== 'active') return null;
			const inserted = await tx.query<{ id: string }>(
				`INSERT INTO ai_replies (workspace_id, conversation_id, agent_id, burst_through, model, tokens_in, tokens_out, latency_ms, outcome, error, attempt)
				 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
				 ON CONFLICT (workspace_id, conversation_id, burst_through) WHERE outcome <> 'error' DO NOTHING RETURNING id`,
				[
					job.workspaceId,
					job.conversationId,
					agent.id,
					through,
					usage.model ?? null,
					usage.tokensIn ?? null,
					usage.tokensOut ?? null,
					usage.latencyMs ?? null,
					outcome,
					options.error?.slice(0, 1000) ?? null,
					job.attempt,
				],
			);
			if (!inserted.rows[0]) return null;
			await tx.query(
				`UPDATE whatsapp_conversations SET ai_handled_through = GREATEST(coalesce(ai_handled_through, $3::timestamptz), $3::timestamptz) WHERE workspace_id = $1 AND id = $2`,
				[job.workspaceId, job.conversationId, through],
			);
			return inserted.rows[0].id;
		});
	}

	/** A failed call's record (not a final outcome: the unique key leaves errors out). */
	private async record(job: { workspaceId: string; conversationId: string; attempt: number }, agent: RunnableAgent, through: string, entry: { outcome: 'error'; error: string }): Promise<void> {
		await this.deps.db.query(
			`INSERT INTO ai_replies (workspace_id, conversation_id, agent_id, burst_through, model, outcome, error, attempt) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			[job.workspaceId, job.conversationId, agent.id, through, agent.model, entry.outcome, entry.error.slice(0, 1000), job.attempt],
		);
	}

	/** Customer messages that came in while this one ran (BullMQ kept one follow-up; this covers a lost add too). */
	private async followUp(job: { workspaceId: string; conversationId: string }, agent: RunnableAgent, through: string): Promise<void> {
		const newer = await this.pending(job.workspaceId, job.conversationId, through);
		if (newer.length) await this.deps.requeue(job.workspaceId, job.conversationId, agent.debounceMs, { attempts: agent.maxAttempts, backoffMs: agent.retryBackoffMs });
	}

	private async settle(
		workspaceId: string,
		conversationId: string,
		change: { to: 'active' | 'off' | 'paused'; reason: string; line: string; lineVars?: Record<string, string>; silent?: boolean; from?: Array<'active'> },
	): Promise<void> {
		const result = await this.deps.db.transaction((tx) =>
			changeAiState(tx, workspaceId, conversationId, { ...change, byUserId: null, from: change.from ?? [], fromUndecided: !change.from }),
		);
		if (result.events.length) await this.publish(workspaceId, result.events);
	}

	private async markHandled(workspaceId: string, conversationId: string, through: string): Promise<void> {
		await this.deps.db.query(
			`UPDATE whatsapp_conversations SET ai_handled_through = GREATEST(coalesce(ai_handled_through, $3::timestamptz), $3::timestamptz) WHERE workspace_id = $1 AND id = $2`,
			[workspaceId, conversationId, through],
		);
	}

	private async conversation(workspaceId: string, conversationId: string): Promise<ConversationRow | undefined> {
		const { rows } = await this.deps.db.query<ConversationRow>(
			`SELECT c.ai_state AS state, c.ai_state_changed_at AS "stateChangedAt", c.ai_handled_through::text AS "handledThrough", c.ai_away_sent_at AS "awaySentAt",
				c.is_group AS "isGroup", c.chat_jid AS "chatJid", c.channel_id AS "channelId", ch.name AS "channelName",
				coalesce(ct.name, ct.push_name) AS "contactName", ct.phone_e164 AS "contactPhone"
			 FROM whatsapp_conversations c
			 JOIN whatsapp_channels ch ON ch.id = c.channel_id AND ch.workspace_id = c.workspace_id
			 JOIN contacts ct ON ct.id = c.contact_id AND ct.workspace_id = c.workspace_id
			 WHERE c.workspace_id = $1 AND c.id = $2`,
			[workspaceId, conversationId],
		);
		return rows[0];
	}

	/**
	 * The customer's messages stored after the last burst dealt with, oldest first; live ones only (a conversation the
	 * AI meets for the first time has its recent messages answered, not its whole past).
	 */
	private async pending(workspaceId: string, conversationId: string, after: string | null): Promise<PendingMessage[]> {
		const { rows } = await this.deps.db.query<PendingMessage>(
			`SELECT m.id, m.type, m.body, m.transcript, m.media_id AS "mediaId", m.created_at::text AS "createdAt" FROM whatsapp_messages m
			 WHERE m.workspace_id = $1 AND m.conversation_id = $2 AND m.direction = 'inbound' AND NOT m.from_me AND NOT m.is_deleted
				AND m.type NOT IN ('reaction', 'unknown') AND m.created_at > coalesce($3::timestamptz, now() - interval '15 minutes')
				-- A reply an n8n workflow waited for (Send and Wait for Reply) is the workflow's, not the AI's.
				AND NOT EXISTS (SELECT 1 FROM reply_waits w WHERE w.workspace_id = m.workspace_id AND w.reply_message_id = m.id)
			 ORDER BY m.created_at, m.id LIMIT 100`,
			[workspaceId, conversationId, after],
		);
		return rows;
	}

	private async startedByUs(workspaceId: string, conversationId: string): Promise<boolean> {
		const { rows } = await this.deps.db.query<{ direction: string }>(
			`SELECT direction FROM whatsapp_messages WHERE workspace_id = $1 AND conversation_id = $2 AND direction <> 'internal' AND type <> 'reaction' ORDER BY thread_at, thread_seq, id LIMIT 1`,
			[workspaceId, conversationId],
		);
		return rows[0]?.direction === 'outbound';
	}

	/** An outbound message that is not the AI's (nor the echo of one) stored since `since`. */
	private async attendantSpokeSince(workspaceId: string, conversationId: string, since: string): Promise<boolean> {
		const { rows } = await this.deps.db.query(
			`SELECT 1 FROM whatsapp_messages m
			 WHERE m.workspace_id = $1 AND m.conversation_id = $2 AND m.direction = 'outbound' AND NOT m.sent_by_ai AND m.type <> 'reaction' AND m.created_at >= $3::timestamptz
				AND NOT (m.origin IS NULL AND EXISTS (SELECT 1 FROM whatsapp_messages a WHERE a.workspace_id = m.workspace_id AND a.conversation_id = m.conversation_id
					AND a.sent_by_ai AND a.body IS NOT DISTINCT FROM m.body))
			 LIMIT 1`,
			[workspaceId, conversationId, since],
		);
		return rows.length > 0;
	}

	/** Voice notes of the burst as text (stored on the message, announced, given to the model); one that fails stays a voice note. */
	private async transcribePending(workspaceId: string, agent: RunnableAgent, pending: PendingMessage[]): Promise<void> {
		for (const message of pending) {
			if (message.type !== 'audio' || message.transcript || !this.deps.media) continue;
			try {
				const file = await this.capturedAudio(workspaceId, message);
				if (!file) continue;
				const text = await transcribe(agent, { bytes: file.bytes, contentType: file.contentType, fileName: file.fileName });
				if (!text) continue;
				const { rows } = await this.deps.db.query<ThreadMessage>(
					`UPDATE whatsapp_messages m SET transcript = $3, updated_at = now() WHERE m.workspace_id = $1 AND m.id = $2 RETURNING m.conversation_id AS "conversationId", m.channel_id AS "channelId"`,
					[workspaceId, message.id, text.slice(0, 20_000)],
				);
				message.transcript = text;
				if (rows[0]) {
					const view = await this.deps.db.query<ThreadMessage>(`SELECT ${MESSAGE_COLUMNS} FROM whatsapp_messages m WHERE m.workspace_id = $1 AND m.id = $2`, [
						workspaceId,
						message.id,
					]);
					await this.publish(workspaceId, [inboxEvent('message.updated', { conversationId: rows[0].conversationId, channelId: rows[0].channelId, data: { message: view.rows[0] } })]);
				}
			} catch (error) {
				this.deps.logger.warn({ messageId: message.id, code: (error as ModelError).code }, 'ai: transcription failed; the voice note goes as it is');
			}
		}
	}

	/**
	 * The voice note's bytes from the media store, waiting a bounded time for its capture (from the webhook's base64,
	 * or fetched in the background) when the burst ended before it did.
	 */
	private async capturedAudio(workspaceId: string, message: PendingMessage): Promise<Awaited<ReturnType<MediaReader['loadForSend']>>> {
		const deadline = Date.now() + AUDIO_CAPTURE_WAIT_MS;
		for (;;) {
			if (!message.mediaId) {
				const { rows } = await this.deps.db.query<{ mediaId: string | null }>('SELECT media_id AS "mediaId" FROM whatsapp_messages WHERE workspace_id = $1 AND id = $2', [
					workspaceId,
					message.id,
				]);
				message.mediaId = rows[0]?.mediaId ?? null;
			}
			const file = message.mediaId ? await this.deps.media!.loadForSend(workspaceId, message.mediaId) : undefined;
			if (file || Date.now() > deadline) return file;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}

	private async publish(workspaceId: string, events: Parameters<InboxPublisher['publish']>[1]): Promise<void> {
		await this.deps.publisher.publish(workspaceId, events).catch((error: Error) => this.deps.logger.warn({ err: error.message }, 'ai: realtime publish failed'));
	}
}

function ignoredChat(agent: AgentSettings, conversation: Pick<ConversationRow, 'chatJid' | 'contactPhone'>): boolean {
	if (!agent.ignoreChats.length) return false;
	const phone = phoneDigitsOf(conversation.contactPhone ?? conversation.chatJid);
	return agent.ignoreChats.some((entry) => entry === conversation.chatJid || (phone && phoneDigitsOf(entry) === phone));
}

/** The keyword as a word of the text (accents and case ignored): "quero um atendente" has "atendente". */
function containsWord(text: string, word: string): boolean {
	const haystack = ` ${normalised(text).replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
	const needle = normalised(word).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
	return !!needle && haystack.includes(` ${needle} `);
}
