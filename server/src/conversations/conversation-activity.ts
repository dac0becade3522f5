import type { Tx } from '../db/db';

/** What new messages did to one conversation. */
export interface ConversationActivity {
	conversationId: string;
	/** Newest of the new messages. */
	lastAt: Date;
	lastPreview: string;
	lastDirection: 'inbound' | 'outbound';
	lastInboundAt?: Date;
	/** An outbound message was among them: we answered, so what came before it is read. */
	resetUnread: boolean;
	/** Inbound messages after our last answer. */
	addUnread: number;
	/** A live inbound message reopens a resolved or snoozed conversation. */
	reopen: boolean;
}

export interface Statement {
	sql: string;
	params: unknown[];
}

/**
 * The statement applying the batch's new messages to their conversations in one go: unread count, last message time
 * and preview (only if newer than what is there, since webhooks come out of order), and reopening. `prefix` is a
 * WITH clause of another, independent write sent in the same round trip (ingest's audit rows); its parameters come
 * first. Returns the updated conversations.
 */
export function conversationActivityStatement(activities: ConversationActivity[], prefix?: Statement): Statement {
	const list = [...activities].sort((a, b) => (a.conversationId < b.conversationId ? -1 : 1));
	const n = prefix?.params.length ?? 0;
	const p = (i: number) => `$${n + i}`;
	return {
		sql: `${prefix ? `${prefix.sql}\n` : ''}UPDATE whatsapp_conversations c SET
			unread_count = CASE WHEN v.reset THEN v.add ELSE c.unread_count + v.add END,
			last_message_preview = CASE WHEN c.last_message_at IS NULL OR v.at >= c.last_message_at THEN v.preview ELSE c.last_message_preview END,
			last_message_direction = CASE WHEN c.last_message_at IS NULL OR v.at >= c.last_message_at THEN v.dir ELSE c.last_message_direction END,
			last_message_at = GREATEST(c.last_message_at, v.at),
			last_inbound_at = GREATEST(c.last_inbound_at, v.inbound_at),
			status = CASE WHEN v.reopen AND c.status IN ('resolved', 'snoozed') THEN (CASE WHEN c.assigned_user_id IS NULL THEN 'pending' ELSE 'open' END) ELSE c.status END,
			snoozed_until = CASE WHEN v.reopen THEN NULL ELSE c.snoozed_until END,
			updated_at = now()
		 FROM unnest(${p(1)}::uuid[], ${p(2)}::timestamptz[], ${p(3)}::text[], ${p(4)}::text[], ${p(5)}::timestamptz[], ${p(6)}::boolean[], ${p(7)}::int[], ${p(8)}::boolean[])
			AS v(id, at, preview, dir, inbound_at, reset, add, reopen)
		 WHERE c.id = v.id
		 RETURNING c.id, c.workspace_id, c.channel_id, c.contact_id, c.lead_id, c.status, c.assigned_user_id, c.unread_count,
			c.last_message_at, c.last_message_preview, c.last_message_direction, c.last_inbound_at, c.ai_state`,
		params: [
			...(prefix?.params ?? []),
			list.map((a) => a.conversationId),
			list.map((a) => a.lastAt.toISOString()),
			list.map((a) => a.lastPreview),
			list.map((a) => a.lastDirection),
			list.map((a) => a.lastInboundAt?.toISOString() ?? null),
			list.map((a) => a.resetUnread),
			list.map((a) => a.addUnread),
			list.map((a) => a.reopen),
		],
	};
}

/** Applies the batch's new messages to their conversations (see conversationActivityStatement). */
export async function applyConversationActivity(tx: Tx, activities: ConversationActivity[], prefix?: Statement): Promise<Record<string, unknown>[]> {
	if (!activities.length) {
		if (prefix) await tx.query(`${prefix.sql} SELECT 1`, prefix.params);
		return [];
	}
	const statement = conversationActivityStatement(activities, prefix);
	const { rows } = await tx.query<Record<string, unknown>>(statement.sql, statement.params);
	return rows;
}
