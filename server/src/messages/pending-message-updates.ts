/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/require-node-api-error, no-console */
import type { Tx } from '../db/db';
import type { MessageStatus } from '../providers/provider-events';
import type { MessageRef } from './message-locks';

export interface PendingUpdate {
	status: MessageStatus | null;
	edited_body: string | null;
	edited_at: string | null;
	deleted_at: string | null;
}

export function refKey(ref: MessageRef): string {
	return `${ref.workspaceId}|${ref.channelId}|${ref.waMessageId}`;
}

/** Keeps an ack / edit / delete whose message is not stored yet; statuses keep the highest seen. */
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

/** Removes and returns the updates waiting for these messages (caller holds their locks). */
export async function takePendingUpdates(tx: Tx, refs: MessageRef[]): Promise<Map<string, PendingUpdate>> {
	if (!refs.length) return new Map();
	const { rows } = await tx.query<PendingUpdate & { workspace_id: string; channel_id: string; wa_message_id: string }>(
		`DELETE FROM whatsapp_pending_message_updates p USING unnest($1::uuid[], $2::uuid[], $3::text[]) AS v(w, c, m)
		 WHERE p.workspace_id = v.w AND p.channel_id = v.c AND p.wa_message_id = v.m
		 RETURNING p.workspace_id, p.channel_id, p.wa_message_id, p.status, p.edited_body, p.edited_at, p.deleted_at`,
		[refs.map((r) => r.workspaceId), refs.map((r) => r.channelId), refs.map((r) => r.waMessageId)],
	);
	return new Map(rows.map((r) => [refKey({ workspaceId: r.workspace_id, channelId: r.channel_id, waMessageId: r.wa_message_id }), r]));
}
