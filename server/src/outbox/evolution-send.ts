import { decryptSecret } from '../channels/secret-cipher';
import { isGroupJid, isPhoneJid, jidUser } from '../contacts/whatsapp-jid';
import type { Queryable } from '../db/db';
import { EvolutionClient, EvolutionError } from '../providers/evolution/evolution-client';
import type { OutboundMedia } from './media-source';
import type { SendRow } from './outbox-store';

/** Evolution's answer to a send (CONTRACT §2.2): the stored messageRaw. */
export interface SendAnswer {
	key?: { id?: string; remoteJid?: string; fromMe?: boolean };
	messageTimestamp?: number | string;
	status?: string;
	messageType?: string;
}

export interface SendCall {
	path: string;
	body: Record<string, unknown>;
}

/** The `number` Evolution is given: a phone JID's digits (Evolution applies its own country rules), else the JID. */
export function evolutionNumber(chatJid: string): string {
	return isPhoneJid(chatJid) && !isGroupJid(chatJid) ? jidUser(chatJid) : chatJid;
}

/**
 * The Evolution request for one outbox row (CONTRACT §2.2): sendText, sendMedia, sendWhatsAppAudio (voice notes,
 * recording shown), sendSticker, sendLocation, sendContact, sendReaction. `delayMs` is the typing simulation.
 */
export function buildSendCall(row: Pick<SendRow, 'type' | 'body' | 'chatJid' | 'request'>, media: OutboundMedia | undefined, delayMs: number | undefined): SendCall {
	const number = evolutionNumber(row.chatJid);
	const request = row.request;
	const delay = delayMs && delayMs > 0 ? { delay: delayMs } : {};
	const quoted = request.quoted ? { quoted: { key: { id: request.quoted.waMessageId, remoteJid: row.chatJid, fromMe: request.quoted.fromMe } } } : {};
	switch (row.type) {
		case 'text':
			return { path: '/message/sendText', body: { number, text: row.body ?? '', ...delay, ...quoted } };
		case 'image':
		case 'video':
		case 'document':
			return {
				path: '/message/sendMedia',
				body: {
					number,
					mediatype: row.type,
					media: media?.media,
					...(media?.mimeType ? { mimetype: media.mimeType } : {}),
					...(media?.fileName ? { fileName: media.fileName } : {}),
					...(row.body ? { caption: row.body } : {}),
					...delay,
					...quoted,
				},
			};
		case 'audio':
			// A voice note (ptt): Evolution converts to OGG/Opus and shows "recording…" for the delay; it ignores quoted.
			return { path: '/message/sendWhatsAppAudio', body: { number, audio: media?.media, ...delay } };
		case 'sticker':
			return { path: '/message/sendSticker', body: { number, sticker: media?.media, ...delay, ...quoted } };
		case 'location':
			return { path: '/message/sendLocation', body: { number, ...request.location, ...delay, ...quoted } };
		case 'contact':
			return { path: '/message/sendContact', body: { number, contact: [request.contact] } };
		case 'reaction':
			return {
				path: '/message/sendReaction',
				body: { key: { id: request.reaction?.waMessageId, remoteJid: row.chatJid, fromMe: request.reaction?.fromMe ?? false }, reaction: request.reaction?.emoji ?? '' },
			};
	}
}

// Clients per (base URL, key): keep-alive sockets are shared anyway; this saves building axios instances per send.
// Looked up by the sealed key as stored (each sealing is unique), so a send does not decrypt it again.
const clients = new WeakMap<Buffer, Map<string, EvolutionClient>>();

export function channelClient(row: Pick<SendRow, 'baseUrl' | 'apiKeySealed' | 'tokenSealed'>, integrationsKey: Buffer, fallbackApiKey: string | undefined): EvolutionClient {
	const sealed = row.apiKeySealed || row.tokenSealed || null;
	const cacheKey = sealed ? `${row.baseUrl}\nsealed ${sealed}` : `${row.baseUrl}\nplain ${fallbackApiKey ?? ''}`;
	let known = clients.get(integrationsKey);
	if (!known) clients.set(integrationsKey, (known = new Map()));
	let client = known.get(cacheKey);
	if (!client) {
		if (known.size > 1000) known.clear();
		const apiKey = sealed ? decryptSecret(sealed, integrationsKey) : fallbackApiKey;
		known.set(cacheKey, (client = new EvolutionClient({ baseUrl: row.baseUrl, apiKey })));
	}
	return client;
}

/** A request or answer body for whatsapp_logs: media payloads cut to their size, everything capped. */
export function redactForLog(body: unknown): unknown {
	if (body === null || body === undefined) return null;
	const text = JSON.stringify(body, (key, value: unknown) => {
		if (typeof value === 'string' && value.length > 512 && /^[A-Za-z0-9+/=\s]+$/.test(value.slice(0, 512))) return `<${value.length} base64 characters>`;
		if (key === 'apikey' || key === 'token' || key === 'hash') return '<redacted>';
		if (key === 'base64' || key === 'jpegThumbnail' || key === 'mediaKey' || key === 'fileSha256' || key === 'fileEncSha256') return '<redacted>';
		return value;
	});
	if (text.length <= 8_000) return JSON.parse(text);
	return { truncated: true, head: text.slice(0, 8_000) };
}

/** One upstream call, as whatsapp_logs keeps it. */
export interface UpstreamCall {
	workspaceId: string;
	channelId: string;
	messageId?: string;
	operation: string;
	method: string;
	endpoint: string;
	startedAt: number;
	request?: unknown;
	response?: unknown;
	/** The success status (Evolution answers sends with 201, reads with 200). */
	status?: number;
	error?: unknown;
}

/** The whatsapp_logs columns an upstream call fills, in the order of upstreamLogValues. */
export const UPSTREAM_LOG_COLUMNS = 'workspace_id, channel_id, operation, message_id, method, endpoint, http_status, latency_ms, ok, error, request, response';

/** The values of one whatsapp_logs row (endpoint, latency, status, redacted request and response), for UPSTREAM_LOG_COLUMNS. */
export function upstreamLogValues(entry: UpstreamCall, encode: (value: unknown) => unknown = JSON.stringify): unknown[] {
	const failure = entry.error instanceof EvolutionError ? entry.error : undefined;
	const ok = !entry.error;
	return [
		entry.workspaceId,
		entry.channelId,
		entry.operation,
		entry.messageId ?? null,
		entry.method,
		entry.endpoint,
		ok ? (entry.status ?? 201) : (failure?.status ?? null),
		Date.now() - entry.startedAt,
		ok,
		ok ? null : ((entry.error as Error)?.message ?? String(entry.error)).slice(0, 1000),
		encode(redactForLog(entry.request)),
		encode(redactForLog(ok ? entry.response : failure?.body)),
	];
}

/**
 * The same values as a record named by UPSTREAM_LOG_COLUMNS, for statements that write many lines as one JSON
 * document: request and response stay objects inside it (as JSON text they were encoded twice, and parsed twice).
 */
export function upstreamLogRecord(entry: UpstreamCall): Record<string, unknown> {
	const values = upstreamLogValues(entry, (value) => value ?? null);
	return Object.fromEntries(UPSTREAM_LOG_COLUMNS.split(', ').map((column, i) => [column, values[i]]));
}

/**
 * One upstream call in whatsapp_logs, as a statement of its own. Never throws. (A successful send's line is written
 * by the statement that stores the send, markSent: one commit for both.)
 */
export async function logUpstreamCall(db: Queryable, entry: UpstreamCall): Promise<void> {
	try {
		await db.query(`INSERT INTO whatsapp_logs (${UPSTREAM_LOG_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`, upstreamLogValues(entry), { prepare: true });
	} catch {
		// The log is for people looking later; a send is never failed or repeated because its log line was not written.
	}
}
