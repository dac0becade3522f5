import type { Tx } from '../db/db';
import type { MessageStatus } from '../providers/provider-events';
import type { MessageRef } from './message-locks';
import { savePendingUpdate } from './pending-message-updates';
import { statusAdvanceSet } from './message-status-columns';

type Row = Record<string, unknown> & { id: string; conversation_id: string };

const WHERE_REF = 'workspace_id = $1 AND channel_id = $2 AND wa_message_id = $3';

async function messageExists(tx: Tx, ref: MessageRef): Promise<boolean> {
	const { rows } = await tx.query(`SELECT 1 FROM whatsapp_messages WHERE ${WHERE_REF}`, [ref.workspaceId, ref.channelId, ref.waMessageId]);
	return rows.length > 0;
}

/**
 * An ack: moves the status forward only. Returns the changed row, or undefined when nothing changed (duplicate,
 * out of order, or early: then it waits in the pending table). The caller holds the message's lock.
 */
export async function applyStatus(tx: Tx, ref: MessageRef, status: MessageStatus): Promise<Row | undefined> {
	const { rows } = await tx.query<Row>(
		`UPDATE whatsapp_messages AS m SET ${statusAdvanceSet('m', '$4::text')}
		 WHERE ${WHERE_REF} AND whatsapp_message_status_rank($4::text) > whatsapp_message_status_rank(m.status)
		 RETURNING m.id, m.conversation_id, m.wa_message_id, m.status, m.sent_at, m.delivered_at, m.read_at, m.played_at, m.failed_at`,
		[ref.workspaceId, ref.channelId, ref.waMessageId, status],
	);
	if (rows[0]) return rows[0];
	if (!(await messageExists(tx, ref))) await savePendingUpdate(tx, ref, { status });
	return undefined;
}

/** An edit replaces the text (once per distinct text); early edits wait for their message. */
export async function applyEdit(tx: Tx, ref: MessageRef, body: string, editedAt: Date): Promise<Row | undefined> {
	const { rows } = await tx.query<Row>(
		`UPDATE whatsapp_messages SET body = $4, is_edited = true, edited_at = $5, updated_at = now()
		 WHERE ${WHERE_REF} AND body IS DISTINCT FROM $4 AND (edited_at IS NULL OR edited_at <= $5)
		 RETURNING id, conversation_id, wa_message_id, body, is_edited, edited_at`,
		[ref.workspaceId, ref.channelId, ref.waMessageId, body, editedAt.toISOString()],
	);
	if (rows[0]) return rows[0];
	if (!(await messageExists(tx, ref))) await savePendingUpdate(tx, ref, { editedBody: body, editedAt });
	return undefined;
}

/** A delete (revoke) marks the message; the row stays so the thread shows "deleted" where it was. */
export async function applyDelete(tx: Tx, ref: MessageRef, deletedAt: Date): Promise<Row | undefined> {
	const { rows } = await tx.query<Row>(
		`UPDATE whatsapp_messages SET is_deleted = true, deleted_at = $4, updated_at = now()
		 WHERE ${WHERE_REF} AND NOT is_deleted RETURNING id, conversation_id, wa_message_id, is_deleted, deleted_at`,
		[ref.workspaceId, ref.channelId, ref.waMessageId, deletedAt.toISOString()],
	);
	if (rows[0]) return rows[0];
	if (!(await messageExists(tx, ref))) await savePendingUpdate(tx, ref, { deletedAt });
	return undefined;
}
