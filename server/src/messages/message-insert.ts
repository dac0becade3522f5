/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/require-node-api-error, no-console */
import type { Tx } from '../db/db';
import type { IncomingMessage, MessageStatus } from '../providers/provider-events';
import { statusAdvanceSet } from './message-status-columns';

export interface MessageInsert {
	workspaceId: string;
	channelId: string;
	conversationId: string;
	message: IncomingMessage;
	/** Final status after folding in acks that arrived first. */
	status: MessageStatus;
	edit?: { body: string; at: string };
	deletedAt?: string;
}

export type StoredMessage = Record<string, unknown> & { id: string; workspace_id: string; channel_id: string; conversation_id: string; wa_message_id: string; inserted: boolean };

/**
 * Inserts a batch of messages keyed by (workspace, channel, WhatsApp id). A message already stored is left alone,
 * except that a higher delivery status moves it forward (e.g. send.message after the outbox stored the row).
 * Returns only rows that were inserted or changed, with `inserted` telling which.
 */
export async function insertMessages(tx: Tx, rows: MessageInsert[]): Promise<StoredMessage[]> {
	if (!rows.length) return [];
	const col = <T>(pick: (r: MessageInsert) => T) => rows.map(pick);
	const { rows: stored } = await tx.query<StoredMessage>(
		`INSERT INTO whatsapp_messages AS m (workspace_id, channel_id, conversation_id, wa_message_id, direction, from_me, type, body,
			media_url, media_mime_type, media_file_name, media_size_bytes, media_duration_seconds, details, quoted_wa_message_id,
			reaction_target_wa_message_id, sender_jid, sender_name, status, wa_timestamp, is_edited, edited_at, is_deleted, deleted_at)
		 SELECT w, c, cv, wid, CASE WHEN fm THEN 'outbound' ELSE 'inbound' END, fm, t, b, mu, mm, mf, ms, md, d::jsonb, q, rt, sj, sn, st, ts,
			ea IS NOT NULL, ea, da IS NOT NULL, da
		 FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::boolean[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
			$11::bigint[], $12::int[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::timestamptz[],
			$20::timestamptz[], $21::timestamptz[])
			AS v(w, c, cv, wid, fm, t, b, mu, mm, mf, ms, md, d, q, rt, sj, sn, st, ts, ea, da)
		 ON CONFLICT (workspace_id, channel_id, wa_message_id) WHERE wa_message_id IS NOT NULL
		 DO UPDATE SET ${statusAdvanceSet('m', 'EXCLUDED.status')}
		 WHERE whatsapp_message_status_rank(EXCLUDED.status) > whatsapp_message_status_rank(m.status)
		 RETURNING m.*, (m.xmax = 0) AS inserted`,
		[
			col((r) => r.workspaceId),
			col((r) => r.channelId),
			col((r) => r.conversationId),
			col((r) => r.message.waMessageId),
			col((r) => r.message.fromMe),
			col((r) => r.message.type),
			col((r) => r.edit?.body ?? r.message.body ?? null),
			col((r) => r.message.media?.url ?? null),
			col((r) => r.message.media?.mimeType ?? null),
			col((r) => r.message.media?.fileName ?? null),
			col((r) => (r.message.media?.sizeBytes !== undefined ? String(r.message.media.sizeBytes) : null)),
			col((r) => r.message.media?.durationSeconds ?? null),
			col((r) => (r.message.details ? JSON.stringify(r.message.details) : null)),
			col((r) => r.message.quotedWaMessageId ?? null),
			col((r) => r.message.reaction?.targetWaMessageId ?? null),
			col((r) => r.message.sender?.jid ?? null),
			col((r) => r.message.sender?.name ?? null),
			col((r) => r.status),
			col((r) => r.message.timestamp.toISOString()),
			col((r) => r.edit?.at ?? null),
			col((r) => r.deletedAt ?? null),
		],
	);
	return stored;
}
