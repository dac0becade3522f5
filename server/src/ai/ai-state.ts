import type { Queryable } from '../db/db';
import { findConversation, type ConversationSummary } from '../inbox/conversations/conversation-view';
import { insertInternalMessage } from '../inbox/messages/internal-message';
import { inboxEvent, type InboxEvent } from '../realtime/inbox-events';

/**
 * A conversation's AI state, apart from its workflow status:
 * - active: the AI answers customer messages;
 * - paused: an attendant acted here (a send, typed on the phone, an assignment to a person, a "hand off" note);
 * - handed_off: the AI gave it to a person (keyword, its hand_off tool, a provider failure);
 * - off: started by us (a proactive send), finished by the customer, or turned off.
 * Only an attendant giving it back, or the idle resume, makes it active again; a customer message never does.
 * A conversation that is `off` with no change time yet is undecided: the first customer burst decides (ai/reply-job.ts).
 */
export const AI_STATES = ['active', 'paused', 'handed_off', 'off'] as const;
export type AiState = (typeof AI_STATES)[number];

export interface AiStateChange {
	to: AiState;
	/** Machine-readable: attendant_message, phone_message, assigned, note, given_back, idle_resume, customer_started, handed_off, finished, turned_off… */
	reason: string;
	/** The system line in the thread (English, like the other system lines). */
	line: string;
	/**
	 * What the line names, stored in its details as `vars` so a page can say it in the reader's language: `by` (who did
	 * it, as named then), `agent`, `minutes`, `assignee`, `keyword`, `attempts`, `why` (the AI's own reason).
	 */
	lineVars?: Record<string, string | number | null>;
	byUserId: string | null;
	/** Only change from these states (e.g. pause only an active AI); any when absent. */
	from?: readonly AiState[];
	/** Also when the conversation is still undecided (off, never changed). */
	fromUndecided?: boolean;
	/** No system line nor event (an undecided conversation settling on off: nothing visible changed). */
	silent?: boolean;
	/** Extra columns to set with the change. */
	handledThroughNow?: boolean;
}

export interface AiStateResult {
	changed: boolean;
	previous: AiState | null;
	conversation?: ConversationSummary;
	events: InboxEvent[];
}

/**
 * Changes the state in the caller's transaction (the row locked first), writes the system line and answers the events
 * to publish once committed: conversation.ai_changed, the line, the conversation.
 */
export async function changeAiState(tx: Queryable, workspaceId: string, conversationId: string, change: AiStateChange): Promise<AiStateResult> {
	const { rows } = await tx.query<{ state: AiState; changedAt: Date | null; channelId: string }>(
		`SELECT ai_state AS state, ai_state_changed_at AS "changedAt", channel_id AS "channelId" FROM whatsapp_conversations WHERE workspace_id = $1 AND id = $2 FOR UPDATE`,
		[workspaceId, conversationId],
	);
	const current = rows[0];
	if (!current) return { changed: false, previous: null, events: [] };
	const undecided = current.state === 'off' && current.changedAt === null;
	const allowed = !change.from || change.from.includes(current.state) || (undecided && !!change.fromUndecided);
	if (!allowed || (current.state === change.to && !undecided)) return { changed: false, previous: current.state, events: [] };
	await tx.query(
		`UPDATE whatsapp_conversations SET ai_state = $3, ai_state_reason = $4, ai_state_changed_at = now(),
			ai_handled_through = CASE WHEN $5::boolean THEN GREATEST(coalesce(ai_handled_through, now()), now()) ELSE ai_handled_through END,
			updated_at = now()
		 WHERE workspace_id = $1 AND id = $2`,
		[workspaceId, conversationId, change.to, change.reason.slice(0, 500), !!change.handledThroughNow],
	);
	if (change.silent || current.state === change.to) return { changed: true, previous: current.state, events: [] };
	const ref = { workspaceId, id: conversationId, channelId: current.channelId };
	const line = await insertInternalMessage(tx, ref, {
		type: 'system',
		body: change.line,
		userId: change.byUserId,
		details: { kind: 'ai_state', from: current.state, to: change.to, reason: change.reason, byUserId: change.byUserId, ...(change.lineVars ? { vars: change.lineVars } : {}) },
	});
	const conversation = (await findConversation(tx, workspaceId, conversationId))!;
	const base = { conversationId, channelId: current.channelId };
	return {
		changed: true,
		previous: current.state,
		conversation,
		events: [
			inboxEvent('conversation.ai_changed', {
				...base,
				data: { conversationId, aiState: change.to, previousAiState: current.state, reason: change.reason, byUserId: change.byUserId },
			}),
			inboxEvent('message.created', { ...base, data: { message: line } }),
			inboxEvent('conversation.updated', { ...base, data: { conversation } }),
		],
	};
}
