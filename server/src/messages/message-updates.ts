import type { Tx } from '../db/db';
import { MESSAGE_COLUMNS, type ThreadMessage } from '../inbox/messages/message-view';
import type { MessageStatus } from '../providers/provider-events';
import { DELETED_MESSAGE_PREVIEW } from './message-preview';
import { savePendingUpdate, type MessageRef } from './pending-message-updates';
import { statusAdvanceSet } from './message-status-columns';

const WHERE_REF = 'm.workspace_id = $1 AND m.channel_id = $2 AND m.wa_message_id = $3';

async function messageExists(tx: Tx, ref: MessageRef): Promise<boolean> {
	const { rows } = await tx.query(`SELECT 1 FROM whatsapp_messages m WHERE ${WHERE_REF}`, [ref.workspaceId, ref.channelId, ref.waMessageId]);
	return rows.length > 0;
}

/**
 * An ack: moves the status forward only. Returns the changed message as threads show it, or undefined when nothing
 * changed (duplicate, out of order, or early: then it waits in the pending table, see pending-update-sweep.ts).
 */
export async function applyStatus(tx: Tx, ref: MessageRef, status: MessageStatus): Promise<ThreadMessage | undefined> {
	const advance = () =>
		tx.query<ThreadMessage>(
			`UPDATE whatsapp_messages AS m SET ${statusAdvanceSet('m', '$4::text')}
			 WHERE ${WHERE_REF} AND whatsapp_message_status_rank($4::text) > whatsapp_message_status_rank(m.status)
			 RETURNING ${MESSAGE_COLUMNS}`,
			[ref.workspaceId, ref.channelId, ref.waMessageId, status],
		);
	const { rows } = await advance();
	if (rows[0]) return rows[0];
	const { rows: current } = await tx.query<{ behind: boolean }>(
		`SELECT whatsapp_message_status_rank($4::text) > whatsapp_message_status_rank(m.status) AS behind FROM whatsapp_messages m WHERE ${WHERE_REF}`,
		[ref.workspaceId, ref.channelId, ref.waMessageId, status],
	);
	if (!current.length) {
		await savePendingUpdate(tx, ref, { status });
		return undefined;
	}
	// Behind the ack although the update changed nothing: the id moved to another row while the update waited for its
	// lock (the outbox folding the echo's early copy into the send's own row, PostgreSQL). The update saw the copy,
	// found it deleted, and skipped; on a fresh snapshot it finds the send's row. (Seen: a reply stuck at delivered.)
	if (current.some((row) => row.behind)) return (await advance()).rows[0];
	return undefined;
}

/** An edit replaces the text (once per distinct text; never of a deleted message); early edits wait for their message. */
export async function applyEdit(tx: Tx, ref: MessageRef, body: string, editedAt: Date): Promise<ThreadMessage | undefined> {
	const { rows } = await tx.query<ThreadMessage>(
		`UPDATE whatsapp_messages AS m SET body = $4, is_edited = true, edited_at = $5, updated_at = now()
		 WHERE ${WHERE_REF} AND NOT m.is_deleted AND m.body IS DISTINCT FROM $4 AND (m.edited_at IS NULL OR m.edited_at <= $5)
		 RETURNING ${MESSAGE_COLUMNS}`,
		[ref.workspaceId, ref.channelId, ref.waMessageId, body, editedAt.toISOString()],
	);
	if (rows[0]) return rows[0];
	if (!(await messageExists(tx, ref))) await savePendingUpdate(tx, ref, { editedBody: body, editedAt });
	return undefined;
}

/**
 * A delete (revoke) marks the message; the row stays so the thread shows "deleted" where it was, and its content is
 * cleared unless the workspace retains deleted messages (migration 0017's trigger). When it was the conversation's
 * newest message, the preview under the conversation stops showing it too. Returns the message, and whether the
 * preview changed (its conversation is then announced too).
 */
export async function applyDelete(tx: Tx, ref: MessageRef, deletedAt: Date): Promise<(ThreadMessage & { previewChanged: boolean }) | undefined> {
	const { rows } = await tx.query<ThreadMessage & { previewChanged: boolean }>(
		`WITH m AS (
			UPDATE whatsapp_messages AS m SET is_deleted = true, deleted_at = $4, updated_at = now()
			WHERE ${WHERE_REF} AND NOT m.is_deleted RETURNING m.*
		 ),
		 preview AS (
			UPDATE whatsapp_conversations c SET last_message_preview = $5, updated_at = now()
			FROM m WHERE c.id = m.conversation_id AND c.workspace_id = m.workspace_id AND m.type <> 'reaction'
				AND (c.last_message_at IS NULL OR m.wa_timestamp IS NULL OR c.last_message_at <= m.wa_timestamp)
				AND c.last_message_preview IS DISTINCT FROM $5
			RETURNING c.id
		 )
		 SELECT ${MESSAGE_COLUMNS}, EXISTS (SELECT 1 FROM preview) AS "previewChanged" FROM m`,
		[ref.workspaceId, ref.channelId, ref.waMessageId, deletedAt.toISOString(), DELETED_MESSAGE_PREVIEW],
	);
	if (rows[0]) return rows[0];
	if (!(await messageExists(tx, ref))) await savePendingUpdate(tx, ref, { deletedAt });
	return undefined;
}
