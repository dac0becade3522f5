import type { Db } from '../db/db';
import type { ThreadMessage } from '../inbox/messages/message-view';
import type { Logger } from '../logging/logger';
import type { InboxEvent, InboxPublisher, RealtimeSink } from '../realtime/inbox-events';
import { changeAiState } from './ai-state';

const ATTENDANT_EVENTS = new Set(['message.created', 'assignee.changed']);

/** A private note that asks the AI to step aside ("hand off", "handoff", "assumo", "assumir"). */
const HAND_OFF_NOTE = /\bhand[\s-]?off\b|\bassum(o|ir|indo)\b/i;

/** Whether a channel has an enabled AI agent (ai/reply-trigger.ts keeps the answer cached). */
export type ChannelAiLookup = (workspaceId: string, channelId: string) => Promise<boolean>;

export interface PhoneCheckScheduler {
	/** Looks at a fromMe message again a little later (it may be the echo of an AI send, folded into its row meanwhile). */
	schedulePhoneCheck(input: { workspaceId: string; conversationId: string; messageId: string; attempt: number }): Promise<void>;
}

/**
 * The take-over that holds: any attendant action in a conversation pauses its AI. Heard from the events every change
 * is published with (the outbox's queued sends, ingest's fromMe messages, assignments, notes), so no send path needs
 * to know about the AI. An action on a conversation the AI has not taken yet settles it on `off` (a human started it:
 * evolution#846). The AI's own sends (sentByAi) are never actions. Only channels with an AI agent are looked at.
 */
export class AttendantActivity {
	constructor(
		private readonly deps: { db: Db; publisher: InboxPublisher; logger: Logger; scheduler: PhoneCheckScheduler; channelHasAi: ChannelAiLookup },
	) {}

	sink(): RealtimeSink {
		return {
			send: async (workspaceId: string, events: InboxEvent[]) => {
				for (const event of events) {
					if (!event.channelId || !ATTENDANT_EVENTS.has(event.type)) continue;
					const channelId = event.channelId;
					// Channels without an AI agent: nothing to pause, nothing to record (no statement, no job).
					const work = this.deps.channelHasAi(workspaceId, channelId).then((hasAi) => (hasAi ? this.classify(workspaceId, event) : undefined));
					void work.catch((error: Error) => this.deps.logger.warn({ err: error.message }, 'ai: attendant activity not recorded'));
				}
			},
		};
	}

	private classify(workspaceId: string, event: InboxEvent): Promise<void> | undefined {
		const conversationId = event.conversationId;
		if (!conversationId) return undefined;
		if (event.type === 'message.created') {
			const message = event.data.message as ThreadMessage | undefined;
			if (!message || message.sentByAi) return undefined;
			if (message.direction === 'outbound' && message.type !== 'reaction') {
				// Queued through the outbox (the inbox, the API, n8n): an attendant's send, now.
				if (message.origin) return this.acted(workspaceId, conversationId, { reason: 'attendant_message', byUserId: message.sentByUserId, line: 'AI paused: an attendant sent a message', at: message.createdAt });
				// Typed on the phone, or the echo of a send of ours stored before the send's answer: looked at again shortly.
				if (message.fromMe) return this.deps.scheduler.schedulePhoneCheck({ workspaceId, conversationId, messageId: message.id, attempt: 0 });
			}
			if (message.type === 'note' && HAND_OFF_NOTE.test(message.body ?? '')) {
				return this.acted(workspaceId, conversationId, { reason: 'note', byUserId: message.sentByUserId, line: 'AI paused: an attendant took over (note)', at: message.createdAt });
			}
			return undefined;
		}
		if (event.type === 'assignee.changed' && event.data.assigneeId && !event.data.byAi) {
			return this.acted(workspaceId, conversationId, {
				reason: 'assigned',
				byUserId: (event.data.byUserId as string | null) ?? null,
				line: 'AI paused: the conversation was assigned to an attendant',
				at: new Date(event.at).toISOString(),
			});
		}
		return undefined;
	}

	/**
	 * Records the action (the idle resume counts from it) and pauses an active AI; an undecided conversation settles on
	 * off without a line. One statement when the AI is not active (the common case: campaigns, AI-less channels). An
	 * action older than the AI's last activation (`at` before it: a send made just before giving it back, a campaign
	 * that asked the AI to take the replies) does not pause it.
	 */
	async acted(workspaceId: string, conversationId: string, action: { reason: string; byUserId: string | null; line: string; at: string }): Promise<void> {
		const { rows } = await this.deps.db.query<{ state: string; before: boolean }>(
			`UPDATE whatsapp_conversations SET ai_attendant_at = now(),
				ai_state_reason = CASE WHEN ai_state = 'off' AND ai_state_changed_at IS NULL THEN 'attendant_first' ELSE ai_state_reason END,
				ai_state_changed_at = CASE WHEN ai_state = 'off' AND ai_state_changed_at IS NULL THEN now() ELSE ai_state_changed_at END
			 WHERE workspace_id = $1 AND id = $2
			 RETURNING ai_state AS state, (ai_state_changed_at IS NOT NULL AND $3::timestamptz < ai_state_changed_at) AS before`,
			[workspaceId, conversationId, action.at],
		);
		if (rows[0]?.state !== 'active' || rows[0].before) return;
		const { at: _at, ...change } = action;
		const result = await this.deps.db.transaction((tx) => changeAiState(tx, workspaceId, conversationId, { to: 'paused', from: ['active'], ...change }));
		if (result.events.length) await this.deps.publisher.publish(workspaceId, result.events);
	}

	/**
	 * A fromMe message with no outbox origin, a moment later: gone means it was the echo of an outbox send (folded into
	 * that row, whose own event already counted); still there while an AI send with the same text is in flight means
	 * it may yet be folded (asked again); otherwise it was typed on the phone.
	 */
	async checkPhoneMessage(input: { workspaceId: string; conversationId: string; messageId: string; attempt: number }): Promise<'typed' | 'echo' | 'again'> {
		const { rows } = await this.deps.db.query<{ origin: string | null; sentByAi: boolean; fromMe: boolean; body: string | null; aiInFlight: boolean; createdAt: string }>(
			`SELECT m.origin, m.sent_by_ai AS "sentByAi", m.from_me AS "fromMe", m.body, m.created_at::text AS "createdAt",
				EXISTS (SELECT 1 FROM whatsapp_messages a WHERE a.workspace_id = m.workspace_id AND a.conversation_id = m.conversation_id AND a.sent_by_ai
					AND a.body IS NOT DISTINCT FROM m.body AND (a.status = 'queued' OR a.sent_at > now() - interval '2 minutes')) AS "aiInFlight"
			 FROM whatsapp_messages m WHERE m.workspace_id = $1 AND m.id = $2`,
			[input.workspaceId, input.messageId],
		);
		const row = rows[0];
		if (!row || row.origin || row.sentByAi || !row.fromMe) return 'echo';
		if (row.aiInFlight) {
			if (input.attempt < 10) return 'again';
			// The same text as an AI send that never took this row: the AI's own message, not a person's.
			return 'echo';
		}
		await this.acted(input.workspaceId, input.conversationId, { reason: 'phone_message', byUserId: null, line: 'AI paused: a message was sent from the phone', at: row.createdAt });
		return 'typed';
	}
}
