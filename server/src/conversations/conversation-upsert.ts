import type { Tx } from '../db/db';

export interface ConversationInput {
	workspaceId: string;
	channelId: string;
	contactId: string;
	leadId?: string;
	chatJid: string;
	chatLid?: string;
	isGroup: boolean;
	/** The status of a conversation this creates (an existing one keeps its own): default `pending`; history imports create them `resolved`. */
	initialStatus?: 'pending' | 'resolved';
}

export interface ConversationRow {
	id: string;
	workspace_id: string;
	channel_id: string;
	contact_id: string;
	lead_id: string | null;
	status: string;
	assigned_user_id: string | null;
	unread_count: number;
	last_message_at: string | null;
}

export function conversationKey(workspaceId: string, channelId: string, contactId: string): string {
	return `${workspaceId}|${channelId}|${contactId}`;
}

const COLUMNS = 'id, workspace_id, channel_id, contact_id, lead_id, status, assigned_user_id, unread_count, last_message_at';

/**
 * One conversation per (channel, contact). One statement reads the existing ones and creates the missing ones with
 * INSERT … ON CONFLICT DO NOTHING, so concurrent first messages all end up in the winner's row (a row missing from
 * the answer lost a race with another process: the transaction is retried and reads it). A lead found later is
 * linked to an existing conversation.
 */
export async function upsertConversations(tx: Tx, inputs: ConversationInput[]): Promise<Map<string, { row: ConversationRow; created: boolean }>> {
	const byKey = new Map<string, ConversationInput>();
	for (const input of inputs) byKey.set(conversationKey(input.workspaceId, input.channelId, input.contactId), { ...byKey.get(conversationKey(input.workspaceId, input.channelId, input.contactId)), ...input });
	const keys = [...byKey.keys()].sort();
	const list = keys.map((k) => byKey.get(k) as ConversationInput);
	const match = 'c.workspace_id = v.w AND c.channel_id = v.ch AND c.contact_id = v.ct';
	const { rows } = await tx.query<ConversationRow & { created: boolean }>(
		`WITH v AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::boolean[], $8::text[]) AS v(w, ch, ct, l, j, jl, g, st)),
		 found AS (SELECT ${COLUMNS} FROM whatsapp_conversations c JOIN v ON ${match}),
		 ins AS (
			INSERT INTO whatsapp_conversations (workspace_id, channel_id, contact_id, lead_id, chat_jid, chat_lid, is_group, status)
			SELECT w, ch, ct, l, j, jl, g, st FROM v WHERE NOT EXISTS (SELECT 1 FROM found c WHERE ${match})
			ON CONFLICT DO NOTHING RETURNING ${COLUMNS}
		 )
		 SELECT *, false AS created FROM found UNION ALL SELECT *, true AS created FROM ins`,
		[list.map((i) => i.workspaceId), list.map((i) => i.channelId), list.map((i) => i.contactId), list.map((i) => i.leadId ?? null), list.map((i) => i.chatJid), list.map((i) => i.chatLid ?? null), list.map((i) => i.isGroup), list.map((i) => i.initialStatus ?? 'pending')],
	);
	const result = new Map<string, { row: ConversationRow; created: boolean }>();
	for (const { created, ...row } of rows) result.set(conversationKey(row.workspace_id, row.channel_id, row.contact_id), { row, created });
	for (const key of keys) if (!result.has(key)) throw Object.assign(new Error(`conversation ${key} vanished during upsert`), { code: '40001' });

	const needLead = list.filter((i) => i.leadId && !(result.get(conversationKey(i.workspaceId, i.channelId, i.contactId)) as { row: ConversationRow }).row.lead_id);
	if (needLead.length) {
		await tx.query(
			`UPDATE whatsapp_conversations c SET lead_id = v.l, updated_at = now() FROM unnest($1::uuid[], $2::uuid[]) AS v(id, l) WHERE c.id = v.id AND c.lead_id IS NULL`,
			[needLead.map((i) => (result.get(conversationKey(i.workspaceId, i.channelId, i.contactId)) as { row: ConversationRow }).row.id), needLead.map((i) => i.leadId)],
		);
		for (const i of needLead) (result.get(conversationKey(i.workspaceId, i.channelId, i.contactId)) as { row: ConversationRow }).row.lead_id = i.leadId ?? null;
	}
	return result;
}
