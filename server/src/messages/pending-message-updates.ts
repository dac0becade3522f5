import type { Tx } from '../db/db';
import type { MessageStatus } from '../providers/provider-events';

/** A WhatsApp message by its key: the channel it came through and WhatsApp's id. */
export interface MessageRef {
	workspaceId: string;
	channelId: string;
	waMessageId: string;
}

export function refKey(ref: MessageRef): string {
	return `${ref.workspaceId}|${ref.channelId}|${ref.waMessageId}`;
}

/** Keeps an ack / edit / delete whose message is not stored yet (insertMessages folds it in); statuses keep the highest seen. */
export async function savePendingUpdate(tx: Tx, ref: MessageRef, update: { status?: MessageStatus; editedBody?: string; editedAt?: Date; deletedAt?: Date }): Promise<void> {
	await tx.query(
		`INSERT INTO whatsapp_pending_message_updates AS p (workspace_id, channel_id, wa_message_id, status, edited_body, edited_at, deleted_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7)
		 ON CONFLICT (workspace_id, channel_id, wa_message_id) DO UPDATE SET
			status = CASE WHEN whatsapp_message_status_rank(EXCLUDED.status) > whatsapp_message_status_rank(p.status) THEN EXCLUDED.status ELSE p.status END,
			edited_body = CASE WHEN EXCLUDED.edited_at IS NOT NULL AND (p.edited_at IS NULL OR EXCLUDED.edited_at >= p.edited_at) THEN EXCLUDED.edited_body ELSE p.edited_body END,
			edited_at = GREATEST(p.edited_at, EXCLUDED.edited_at),
			deleted_at = COALESCE(p.deleted_at, EXCLUDED.deleted_at)`,
		[ref.workspaceId, ref.channelId, ref.waMessageId, update.status ?? null, update.editedBody ?? null, update.editedAt?.toISOString() ?? null, update.deletedAt?.toISOString() ?? null],
	);
}
