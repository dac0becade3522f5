import axios from 'axios';
import { decryptSecret } from '../../channels/secret-cipher';
import type { Caller } from '../../auth/caller';
import type { Db } from '../../db/db';
import { ApiError, notFound } from '../api/api-error';

const MAX_KEYS = 20;

/**
 * Sends WhatsApp read receipts (the contact's blue ticks) for the latest messages the contact wrote, through the
 * channel's Evolution instance (POST /chat/markMessageAsRead/{instance}). Deliberately separate from the
 * attendant's own "read" (mark-read.ts).
 */
export async function sendReadReceipt(
	db: Db,
	integrationsKey: Buffer,
	fallbackApiKey: string | undefined,
	caller: Caller,
	conversationId: string,
): Promise<{ sent: number }> {
	const { rows } = await db.query<{ channelId: string; chatJid: string; baseUrl: string; instanceName: string; provider: string; sealedKey: string | null }>(
		`SELECT c.channel_id AS "channelId", c.chat_jid AS "chatJid", ch.base_url AS "baseUrl", ch.instance_name AS "instanceName",
			ch.provider, ch.api_key_encrypted AS "sealedKey"
		 FROM whatsapp_conversations c JOIN whatsapp_channels ch ON ch.id = c.channel_id AND ch.workspace_id = c.workspace_id
		 WHERE c.workspace_id = $1 AND c.id = $2`,
		[caller.workspaceId, conversationId],
	);
	const target = rows[0];
	if (!target) throw notFound('Conversation');
	if (target.provider !== 'evolution') throw new ApiError(422, 'unsupported_provider', 'Read receipts are only sent through Evolution channels.');
	const inbound = await db.query<{ waMessageId: string; senderJid: string | null }>(
		`SELECT wa_message_id AS "waMessageId", sender_jid AS "senderJid" FROM whatsapp_messages
		 WHERE workspace_id = $1 AND conversation_id = $2 AND direction = 'inbound' AND wa_message_id IS NOT NULL AND NOT is_deleted
		 ORDER BY thread_at DESC, thread_seq DESC, id DESC LIMIT ${MAX_KEYS}`,
		[caller.workspaceId, conversationId],
	);
	if (inbound.rows.length === 0) return { sent: 0 };
	const apiKey = target.sealedKey ? decryptSecret(target.sealedKey, integrationsKey) : fallbackApiKey;
	const readMessages = inbound.rows.map((m) => ({
		remoteJid: target.chatJid,
		fromMe: false,
		id: m.waMessageId,
		...(target.chatJid.endsWith('@g.us') && m.senderJid ? { participant: m.senderJid } : {}),
	}));
	const started = Date.now();
	const url = `${target.baseUrl.replace(/\/+$/, '')}/chat/markMessageAsRead/${encodeURIComponent(target.instanceName)}`;
	const response = await axios
		.post(url, { readMessages }, { headers: apiKey ? { apikey: apiKey } : {}, timeout: 10_000, validateStatus: () => true })
		.catch((error: Error) => ({ status: 0, data: { error: error.message } }));
	const ok = response.status >= 200 && response.status < 300;
	await db.query(
		`INSERT INTO whatsapp_logs (workspace_id, channel_id, operation, method, endpoint, http_status, latency_ms, ok, error, request)
		 VALUES ($1, $2, 'read_receipt', 'POST', $3, $4, $5, $6, $7, $8)`,
		[
			caller.workspaceId,
			target.channelId,
			`/chat/markMessageAsRead/${target.instanceName}`,
			response.status || null,
			Date.now() - started,
			ok,
			ok ? null : JSON.stringify(response.data).slice(0, 500),
			JSON.stringify({ readMessages: readMessages.length }),
		],
	);
	if (!ok) throw new ApiError(502, 'upstream_error', `Evolution did not accept the read receipt (HTTP ${response.status || 'no answer'}); try again.`);
	return { sent: readMessages.length };
}
