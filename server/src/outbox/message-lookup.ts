import type { Queryable } from '../db/db';
import type { EvolutionClient } from '../providers/evolution/evolution-client';
import { logUpstreamCall } from './evolution-send';
import type { SendRow } from './outbox-store';

/** A message found to have gone out already: its WhatsApp id (and time when known). */
export interface FoundCopy {
	waMessageId: string;
	waTimestamp: Date | null;
	via: 'echo' | 'findMessages';
}

// Evolution's messageType per outbox type (CONTRACT §3.6); text is stored as `conversation` (converted extended text).
const MESSAGE_TYPES: Record<string, string[]> = {
	text: ['conversation', 'extendedTextMessage'],
	image: ['imageMessage'],
	video: ['videoMessage'],
	document: ['documentMessage', 'documentWithCaptionMessage'],
	audio: ['audioMessage'],
	sticker: ['stickerMessage'],
	location: ['locationMessage'],
	contact: ['contactMessage', 'contactsArrayMessage'],
	reaction: ['reactionMessage'],
};

// Clocks differ (Evolution's messageTimestamp, our created_at): look a little before the message existed here.
const CLOCK_SLACK_MS = 60_000;

/**
 * After an ambiguous failure (timeout, connection lost after the request went out, a crash mid-call): did the
 * message go out? First the `send.message` echo ingest may have stored (an outbound row the outbox does not own,
 * same conversation, type and text, since the message was queued), then Evolution's own store
 * (/chat/findMessages, fromMe, that chat, since then). Ids another outbox row already owns never count.
 */
export async function findSentCopy(db: Queryable, client: EvolutionClient, row: SendRow): Promise<FoundCopy | undefined> {
	const since = new Date(row.createdAt.getTime() - CLOCK_SLACK_MS);
	const echo = await db.query<{ waMessageId: string; waTimestamp: Date | null }>(
		`SELECT e.wa_message_id AS "waMessageId", e.wa_timestamp AS "waTimestamp" FROM whatsapp_messages e
		 WHERE e.workspace_id = $1 AND e.channel_id = $2 AND e.conversation_id = $3 AND e.origin IS NULL AND e.from_me AND e.direction = 'outbound'
			AND e.wa_message_id IS NOT NULL AND e.type = $4 AND e.body IS NOT DISTINCT FROM $5 AND e.created_at >= $6
		 ORDER BY e.created_at LIMIT 1`,
		[row.workspaceId, row.channelId, row.conversationId, row.type, row.body, since.toISOString()],
	);
	if (echo.rows[0]) return { ...echo.rows[0], via: 'echo' };

	const body = {
		where: { key: { remoteJid: row.chatJid, fromMe: true }, messageTimestamp: { gte: since.toISOString(), lte: new Date(Date.now() + CLOCK_SLACK_MS).toISOString() } },
		page: 1,
		offset: 100,
	};
	const startedAt = Date.now();
	let answer: { messages?: { records?: EvolutionRecord[] } };
	try {
		answer = await client.request('POST', '/chat/findMessages', body, { instance: row.instanceName });
		await logUpstreamCall(db, { workspaceId: row.workspaceId, channelId: row.channelId, messageId: row.id, operation: 'outbox_lookup', method: 'POST', endpoint: `/chat/findMessages/${row.instanceName}`, startedAt, request: body, response: { total: (answer.messages?.records ?? []).length }, status: 200 });
	} catch (error) {
		await logUpstreamCall(db, { workspaceId: row.workspaceId, channelId: row.channelId, messageId: row.id, operation: 'outbox_lookup', method: 'POST', endpoint: `/chat/findMessages/${row.instanceName}`, startedAt, request: body, error });
		// Not knowing is not the same as not sent: the caller must not send.
		throw error;
	}
	const types = MESSAGE_TYPES[row.type] ?? [];
	const candidates = (answer.messages?.records ?? []).filter(
		(record) => record.key?.fromMe && record.key.id && types.includes(record.messageType ?? '') && sameText(record, row.body),
	);
	if (!candidates.length) return undefined;
	const claimed = await db.query<{ id: string }>(
		`SELECT wa_message_id AS id FROM whatsapp_messages WHERE workspace_id = $1 AND channel_id = $2 AND wa_message_id = ANY($3::text[]) AND origin IS NOT NULL`,
		[row.workspaceId, row.channelId, candidates.map((c) => c.key!.id!)],
	);
	const taken = new Set(claimed.rows.map((r) => r.id));
	// Oldest first: records come newest first.
	const free = candidates.filter((c) => !taken.has(c.key!.id!)).reverse()[0];
	if (!free) return undefined;
	const seconds = Number(free.messageTimestamp);
	return { waMessageId: free.key!.id!, waTimestamp: Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : null, via: 'findMessages' };
}

interface EvolutionRecord {
	key?: { id?: string; fromMe?: boolean; remoteJid?: string };
	messageType?: string;
	message?: Record<string, unknown>;
	messageTimestamp?: number | string;
}

function recordText(record: EvolutionRecord): string | null {
	const message = record.message ?? {};
	if (typeof message.conversation === 'string') return message.conversation;
	const content = message[record.messageType ?? ''] as { text?: unknown; caption?: unknown } | undefined;
	if (content && typeof content.text === 'string') return content.text;
	if (content && typeof content.caption === 'string') return content.caption;
	return null;
}

/** Text and captions must match exactly; types without text (audio, sticker, location, contact) match on type alone. */
function sameText(record: EvolutionRecord, body: string | null): boolean {
	const text = recordText(record);
	if (body === null || body === '') return true;
	return text === body;
}
