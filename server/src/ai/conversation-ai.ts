import type { Caller } from '../auth/caller';
import type { Db } from '../db/db';
import { ApiError, notFound } from '../inbox/api/api-error';
import { isoTimestamp } from '../inbox/api/iso-timestamp';
import { actorName } from '../inbox/conversations/actor-name';
import { findConversation, type ConversationSummary } from '../inbox/conversations/conversation-view';
import type { InboxEvent } from '../realtime/inbox-events';
import { changeAiState, type AiState } from './ai-state';

/** What an attendant may set: give it back (active), pause it, or turn it off here. handed_off is the AI's own move. */
export const SETTABLE_AI_STATES = ['active', 'paused', 'off'] as const;

export interface ConversationAiView {
	state: string;
	reason: string | null;
	changedAt: string | null;
	agent: { id: string; name: string; enabled: boolean } | null;
	/** The latest model calls here, newest first: cost and outcome. */
	replies: Array<{ id: string; outcome: string; model: string | null; tokensIn: number | null; tokensOut: number | null; latencyMs: number | null; error: string | null; createdAt: string }>;
}

export async function conversationAi(db: Db, workspaceId: string, conversationId: string): Promise<ConversationAiView> {
	const { rows } = await db.query<{ state: string; reason: string | null; changedAt: string | null; agentId: string | null; agentName: string | null; agentEnabled: boolean | null }>(
		`SELECT c.ai_state AS state, c.ai_state_reason AS reason, ${isoTimestamp('c.ai_state_changed_at')} AS "changedAt",
			a.id AS "agentId", a.name AS "agentName", a.enabled AS "agentEnabled"
		 FROM whatsapp_conversations c JOIN whatsapp_channels ch ON ch.id = c.channel_id AND ch.workspace_id = c.workspace_id
		 LEFT JOIN ai_agents a ON a.id = ch.ai_agent_id AND a.workspace_id = c.workspace_id
		 WHERE c.workspace_id = $1 AND c.id = $2`,
		[workspaceId, conversationId],
	);
	const row = rows[0];
	if (!row) throw notFound('Conversation');
	const replies = await db.query<ConversationAiView['replies'][number]>(
		`SELECT id, outcome, model, tokens_in AS "tokensIn", tokens_out AS "tokensOut", latency_ms AS "latencyMs", error, ${isoTimestamp('created_at')} AS "createdAt"
		 FROM ai_replies WHERE workspace_id = $1 AND conversation_id = $2 ORDER BY created_at DESC, id DESC LIMIT 20`,
		[workspaceId, conversationId],
	);
	return {
		state: row.state,
		reason: row.reason,
		changedAt: row.changedAt,
		agent: row.agentId ? { id: row.agentId, name: row.agentName!, enabled: !!row.agentEnabled } : null,
		replies: replies.rows,
	};
}

/**
 * POST /conversations/:id/ai: an attendant gives the conversation back to the AI (active: from the next customer
 * message on, what was said meanwhile is not answered again), pauses it, or turns it off here.
 */
export async function setConversationAi(
	db: Db,
	caller: Caller,
	conversationId: string,
	state: (typeof SETTABLE_AI_STATES)[number],
): Promise<{ conversation: ConversationSummary; events: InboxEvent[] }> {
	return db.transaction(async (tx) => {
		const { rows } = await tx.query<{ agentId: string | null }>(
			`SELECT ch.ai_agent_id AS "agentId" FROM whatsapp_conversations c JOIN whatsapp_channels ch ON ch.id = c.channel_id AND ch.workspace_id = c.workspace_id
			 WHERE c.workspace_id = $1 AND c.id = $2`,
			[caller.workspaceId, conversationId],
		);
		if (!rows[0]) throw notFound('Conversation');
		if (state === 'active' && !rows[0].agentId) {
			throw new ApiError(422, 'no_ai_agent', "This conversation's channel has no AI agent; point one at it first (POST /api/v1/ai/agents with channelIds).");
		}
		const by = await actorName(tx, caller);
		const lines: Record<AiState, string> = {
			active: `${by} gave the conversation back to the AI`,
			paused: `${by} paused the AI`,
			off: `${by} turned the AI off for this conversation`,
			handed_off: '',
		};
		const result = await changeAiState(tx, caller.workspaceId, conversationId, {
			to: state,
			reason: state === 'active' ? 'given_back' : state === 'paused' ? 'paused_by_attendant' : 'turned_off',
			line: lines[state],
			lineVars: { by },
			byUserId: caller.userId,
			fromUndecided: true,
			// Given back: only what the customer says from now on is answered.
			handledThroughNow: state === 'active',
		});
		return { conversation: result.conversation ?? (await findConversation(tx, caller.workspaceId, conversationId))!, events: result.events };
	});
}
