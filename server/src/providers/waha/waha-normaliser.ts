import { isIgnoredChatJid, resolveChatIdentity } from '../../contacts/whatsapp-jid';
import type { MessageStatus, MessageType, ProviderEvent } from '../provider-events';
import type { NormaliseResult, ProviderNormaliser } from '../provider-normaliser';
import { wahaEnvelopeSchema, wahaMessageSchema, wahaReactionSchema, wahaSessionStatusSchema, type WahaMessage } from './waha-webhook.schema';

// WAHA ack numbers: -1 ERROR, 0 PENDING, 1 SERVER, 2 DEVICE, 3 READ, 4 PLAYED.
const ACKS: Record<string, MessageStatus> = { '-1': 'failed', '0': 'sent', '1': 'server_ack', '2': 'delivered', '3': 'read', '4': 'played' };
const ACK_NAMES: Record<string, MessageStatus> = { ERROR: 'failed', PENDING: 'sent', SERVER: 'server_ack', DEVICE: 'delivered', READ: 'read', PLAYED: 'played' };

const SESSION_STATES: Record<string, 'connecting' | 'open' | 'close'> = { STARTING: 'connecting', SCAN_QR_CODE: 'connecting', WORKING: 'open', STOPPED: 'close', FAILED: 'close' };

/** "false_5511…@c.us_3EB0…" (or "…_<participant>" in groups) → "3EB0…": WhatsApp's own id, as Evolution reports it. */
export function wahaWhatsappId(id: string): string {
	const parts = id.split('_');
	return parts.length >= 3 && (parts[0] === 'true' || parts[0] === 'false') ? parts[2] : id;
}

function wahaStatus(message: { ack?: number | null; ackName?: string | null }): MessageStatus | undefined {
	if (message.ackName && ACK_NAMES[message.ackName]) return ACK_NAMES[message.ackName];
	return message.ack !== null && message.ack !== undefined ? ACKS[String(message.ack)] : undefined;
}

function mediaType(mimetype: string | undefined, ptt: boolean): MessageType {
	if (!mimetype) return 'document';
	if (mimetype === 'image/webp') return 'sticker';
	if (mimetype.startsWith('image/')) return 'image';
	if (mimetype.startsWith('video/')) return 'video';
	if (mimetype.startsWith('audio/') || ptt) return 'audio';
	return 'document';
}

/** WAHA's "message" / "message.any" / "message.ack" / "message.reaction" / "session.status" → provider-neutral events. */
export class WahaNormaliser implements ProviderNormaliser {
	readonly provider = 'waha' as const;

	normalise(body: unknown): NormaliseResult {
		const envelope = wahaEnvelopeSchema.safeParse(body);
		if (!envelope.success) return { ok: false, reason: 'not a WAHA webhook: expected an object with "event" and "payload"' };
		const event = envelope.data.event;
		const payload = envelope.data.payload;
		const invalid = (issuePath: string, message: string): NormaliseResult => ({ ok: false, event, reason: `${event}: payload.${issuePath} ${message}` });
		switch (event) {
			case 'message':
			case 'message.any': {
				const parsed = wahaMessageSchema.safeParse(payload);
				if (!parsed.success) return invalid(parsed.error.issues[0].path.join('.'), parsed.error.issues[0].message);
				const events = this.messageEvents(parsed.data);
				return { ok: true, event, events, ignored: events.length ? undefined : 'not a chat message' };
			}
			case 'message.ack': {
				const parsed = wahaMessageSchema.safeParse(payload);
				if (!parsed.success) return invalid(parsed.error.issues[0].path.join('.'), parsed.error.issues[0].message);
				const status = wahaStatus(parsed.data);
				if (!status) return invalid('ack', 'is not a known ack');
				return { ok: true, event, events: [{ kind: 'message.status', waMessageId: wahaWhatsappId(parsed.data.id), status }] };
			}
			case 'message.reaction': {
				const parsed = wahaReactionSchema.safeParse(payload);
				if (!parsed.success) return invalid(parsed.error.issues[0].path.join('.'), parsed.error.issues[0].message);
				const r = parsed.data;
				const fromMe = r.fromMe === true;
				const chat = resolveChatIdentity([fromMe ? r.to : r.from]);
				if (!chat) return { ok: true, event, events: [], ignored: 'reaction outside a chat' };
				const emoji = r.reaction.text;
				const target = wahaWhatsappId(r.reaction.messageId);
				return {
					ok: true,
					event,
					events: [{ kind: 'message', message: { waMessageId: wahaWhatsappId(r.id), chat, fromMe, type: 'reaction', body: emoji, reaction: { targetWaMessageId: target, emoji }, status: fromMe ? 'server_ack' : 'delivered', timestamp: r.timestamp ? new Date(r.timestamp * 1000) : new Date(), history: false } }],
				};
			}
			case 'session.status': {
				const parsed = wahaSessionStatusSchema.safeParse(payload);
				if (!parsed.success) return invalid('status', 'is required');
				const state = SESSION_STATES[parsed.data.status];
				return state ? { ok: true, event, events: [{ kind: 'connection', state }] } : { ok: true, event, events: [], ignored: `session status ${parsed.data.status}` };
			}
			case 'message.revoked':
			case 'message.edited':
			case 'presence.update':
			case 'chat.archive':
			case 'group.join':
			case 'group.leave':
			case 'call.received':
			case 'call.accepted':
			case 'call.rejected':
			case 'label.upsert':
			case 'label.deleted':
			case 'label.chat.added':
			case 'label.chat.deleted':
			case 'poll.vote':
			case 'poll.vote.failed':
			case 'state.change':
			case 'engine.event':
				return { ok: true, event, events: [], ignored: `event ${event} is not used by the inbox` };
			default:
				return { ok: false, event, reason: `unknown WAHA event "${event}"` };
		}
	}

	private messageEvents(m: WahaMessage): ProviderEvent[] {
		const fromMe = m.fromMe === true;
		const chatJid = fromMe ? m.to : m.from;
		if (!chatJid || isIgnoredChatJid(chatJid)) return [];
		const key = m._data?.key as { remoteJidAlt?: string } | undefined;
		const chat = resolveChatIdentity([chatJid, key?.remoteJidAlt]);
		if (!chat) return [];
		const hasMedia = m.hasMedia === true && m.media;
		const pushName = (m._data?.notifyName ?? m._data?.pushName) as string | undefined;
		const location = m.location;
		const type: MessageType = location ? 'location' : m.vCards && m.vCards.length > 0 ? 'contact' : hasMedia ? mediaType(m.media?.mimetype ?? undefined, false) : 'text';
		return [
			{
				kind: 'message',
				message: {
					waMessageId: wahaWhatsappId(m.id),
					chat,
					fromMe,
					pushName: !fromMe && !chat.isGroup ? pushName : undefined,
					sender: chat.isGroup && m.participant ? { jid: m.participant, name: pushName } : undefined,
					type,
					body: m.body ?? undefined,
					media: hasMedia ? { url: m.media?.url ?? undefined, mimeType: m.media?.mimetype ?? undefined, fileName: m.media?.filename ?? undefined } : undefined,
					details: location ? { latitude: Number(location.latitude), longitude: Number(location.longitude), name: location.description ?? undefined } : m.vCards?.length ? { contacts: m.vCards.map((vcard) => ({ vcard })) } : undefined,
					quotedWaMessageId: m.replyTo?.id ? wahaWhatsappId(m.replyTo.id) : undefined,
					status: wahaStatus(m) ?? (fromMe ? 'server_ack' : 'delivered'),
					timestamp: m.timestamp ? new Date(m.timestamp * 1000) : new Date(),
					history: false,
				},
			},
		];
	}
}
