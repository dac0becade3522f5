import type { Db } from '../db/db';
import type { ThreadMessage } from '../inbox/messages/message-view';
import type { Logger } from '../logging/logger';
import type { InboxEvent, RealtimeSink } from '../realtime/inbox-events';
import { readSettings } from './agent-settings';
import type { AiQueue } from './ai-queue';

/** What a channel's agent says about queuing (null: the channel has no enabled agent). */
interface ChannelAi {
	debounceMs: number;
	attempts: number;
	backoffMs: number;
}

// How long this replica trusts what it read about a channel's agent (changes made on another replica show after this).
const CACHE_MS = 5_000;
// An inbound message older than this is history arriving late, not a customer waiting for an answer.
const LIVE_WINDOW_MS = 15 * 60_000;
const NOT_CUSTOMER_TEXT = new Set(['reaction', 'system', 'note']);

/**
 * Hears ingest's message.created events (after commit, from the publisher: the webhook's answer never waits for it)
 * and adds the conversation's debounced reply job. Cheap for channels without AI: one cached read per channel.
 */
export class ReplyTrigger {
	private readonly channels = new Map<string, { at: number; ai: Promise<ChannelAi | null> }>();

	constructor(private readonly deps: { db: Db; logger: Logger; queue: AiQueue }) {}

	sink(): RealtimeSink {
		return {
			send: async (workspaceId: string, events: InboxEvent[]) => {
				const conversations = new Map<string, { channelId: string; messageIds: string[] }>();
				for (const event of events) {
					if (event.type !== 'message.created' || !event.conversationId || !event.channelId) continue;
					const message = event.data.message as ThreadMessage | undefined;
					if (!message || message.direction !== 'inbound' || message.fromMe || NOT_CUSTOMER_TEXT.has(message.type)) continue;
					if (Date.now() - Date.parse(message.threadAt) > LIVE_WINDOW_MS) continue;
					const entry = conversations.get(event.conversationId) ?? { channelId: event.channelId, messageIds: [] };
					entry.messageIds.push(message.id);
					conversations.set(event.conversationId, entry);
				}
				for (const [conversationId, { channelId, messageIds }] of conversations) {
					void this.enqueue(workspaceId, channelId, conversationId, messageIds).catch((error: Error) =>
						this.deps.logger.warn({ err: error.message, conversationId }, 'ai: reply job not added'),
					);
				}
			},
		};
	}

	private async enqueue(workspaceId: string, channelId: string, conversationId: string, messageIds: string[]): Promise<void> {
		const ai = await this.channelAi(workspaceId, channelId);
		if (!ai) return;
		if (await this.awaitedByWorkflow(workspaceId, conversationId, messageIds)) return;
		await this.deps.queue.addReply(workspaceId, conversationId, ai.debounceMs, { attempts: ai.attempts, backoffMs: ai.backoffMs });
	}

	/**
	 * Whether an n8n workflow waits for these messages (Send and Wait for Reply): a wait still open on the conversation,
	 * or one these very messages answered (the reply-wait listener hears the same event and may have closed it first).
	 * The workflow owns that reply, so the AI stays out of it.
	 */
	private async awaitedByWorkflow(workspaceId: string, conversationId: string, messageIds: string[]): Promise<boolean> {
		const { rows } = await this.deps.db.query(
			`SELECT 1 FROM reply_waits WHERE workspace_id = $1 AND conversation_id = $2 AND (status = 'open' OR reply_message_id = ANY($3::uuid[])) LIMIT 1`,
			[workspaceId, conversationId, messageIds],
		);
		return rows.length > 0;
	}

	/** Whether the channel has an enabled agent (cached like the rest: attendant actions elsewhere cost nothing). */
	async channelHasAi(workspaceId: string, channelId: string): Promise<boolean> {
		return (await this.channelAi(workspaceId, channelId)) !== null;
	}

	private channelAi(workspaceId: string, channelId: string): Promise<ChannelAi | null> {
		const known = this.channels.get(channelId);
		if (known && Date.now() - known.at < CACHE_MS) return known.ai;
		const ai = this.deps.db
			.query<{ settings: unknown }>(
				`SELECT a.settings FROM whatsapp_channels ch JOIN ai_agents a ON a.id = ch.ai_agent_id AND a.workspace_id = ch.workspace_id
				 WHERE ch.workspace_id = $1 AND ch.id = $2 AND a.enabled`,
				[workspaceId, channelId],
			)
			.then(({ rows }) => {
				if (!rows[0]) return null;
				const settings = readSettings(rows[0].settings);
				return { debounceMs: settings.debounceMs, attempts: settings.maxAttempts, backoffMs: settings.retryBackoffMs };
			});
		ai.catch(() => this.channels.delete(channelId));
		this.channels.set(channelId, { at: Date.now(), ai });
		return ai;
	}

	forget(): void {
		this.channels.clear();
	}
}
