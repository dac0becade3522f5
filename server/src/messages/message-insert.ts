import type { Tx } from '../db/db';
import type { IncomingMessage } from '../providers/provider-events';
import { statusAdvanceSet } from './message-status-columns';

export interface MessageInsert {
	workspaceId: string;
	channelId: string;
	conversationId: string;
	message: IncomingMessage;
}

export type StoredMessage = Record<string, unknown> & { id: string; workspace_id: string; channel_id: string; conversation_id: string; wa_message_id: string; inserted: boolean };

/**
 * Inserts a batch of messages keyed by (workspace, channel, WhatsApp id), in one statement that also takes the acks,
 * edits and deletes that arrived before their message (whatsapp_pending_message_updates) and folds them into the new
 * rows. The caller holds the messages' locks, so no pending update can slip in between. A message already stored is
 * left alone, except that a higher delivery status moves it forward (e.g. send.message after the outbox stored the
 * row). Returns only rows that were inserted or changed, with `inserted` telling which.
 */
export async function insertMessages(tx: Tx, rows: MessageInsert[]): Promise<StoredMessage[]> {
	if (!rows.length) return [];
	const col = <T>(pick: (r: MessageInsert) => T) => rows.map(pick);
	const { rows: stored } = await tx.query<StoredMessage>(
		`WITH v AS (
			SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::boolean[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
				$11::bigint[], $12::int[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::timestamptz[])
			AS v(w, c, cv, wid, fm, t, b, mu, mm, mf, ms, md, d, q, rt, sj, sn, st, ts)
		 ),
		 early AS (
			DELETE FROM whatsapp_pending_message_updates p USING v WHERE p.workspace_id = v.w AND p.channel_id = v.c AND p.wa_message_id = v.wid
			RETURNING p.workspace_id, p.channel_id, p.wa_message_id, p.status, p.edited_body, p.edited_at, p.deleted_at
		 )
		 INSERT INTO whatsapp_messages AS m (workspace_id, channel_id, conversation_id, wa_message_id, direction, from_me, type, body,
			media_url, media_mime_type, media_file_name, media_size_bytes, media_duration_seconds, details, quoted_wa_message_id,
			reaction_target_wa_message_id, sender_jid, sender_name, status, wa_timestamp, is_edited, edited_at, is_deleted, deleted_at)
		 SELECT v.w, v.c, v.cv, v.wid, CASE WHEN v.fm THEN 'outbound' ELSE 'inbound' END, v.fm, v.t, COALESCE(e.edited_body, v.b),
			v.mu, v.mm, v.mf, v.ms, v.md, v.d::jsonb, v.q, v.rt, v.sj, v.sn,
			CASE WHEN whatsapp_message_status_rank(e.status) > whatsapp_message_status_rank(v.st) THEN e.status ELSE v.st END, v.ts,
			e.edited_body IS NOT NULL, CASE WHEN e.edited_body IS NOT NULL THEN COALESCE(e.edited_at, now()) END,
			e.deleted_at IS NOT NULL, e.deleted_at
		 FROM v LEFT JOIN early e ON e.workspace_id = v.w AND e.channel_id = v.c AND e.wa_message_id = v.wid
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
			col((r) => r.message.body ?? null),
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
			col((r) => r.message.status),
			col((r) => r.message.timestamp.toISOString()),
		],
	);
	return stored;
}
