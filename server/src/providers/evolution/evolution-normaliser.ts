import type { ZodType } from 'zod';
import { isIgnoredChatJid, isLidJid, resolveChatIdentity } from '../../contacts/whatsapp-jid';
import type { ConnectionState, IncomingMessage, Presence, ProviderEvent } from '../provider-events';
import type { NormaliseResult, ProviderNormaliser } from '../provider-normaliser';
import { readMessageContent, readProtocolMessage } from './evolution-message-content';
import { evolutionStatus } from './evolution-status';
import {
	evolutionConnectionSchema,
	evolutionContactsSchema,
	evolutionEnvelopeSchema,
	evolutionMessageDeleteSchema,
	evolutionMessageRawSchema,
	evolutionMessageUpdateSchema,
	evolutionPresenceSchema,
	evolutionProtocolMessageSchema,
	evolutionQrcodeSchema,
	evolutionStatusInstanceSchema,
	type EvolutionMessageRaw,
} from './evolution-webhook.schema';
import { readInt64 } from './protobuf-values';

// Events Evolution 2.3.x sends that the inbox has no use for: answered 200 so Evolution does not retry them.
const UNUSED_EVENTS = new Set([
	'application.startup', 'instance.create', 'instance.delete', 'remove.instance', 'contacts.set', 'chats.set', 'chats.upsert',
	'chats.update', 'chats.delete', 'groups.upsert', 'groups.update', 'group-participants.update', 'call', 'labels.edit',
	'labels.association', 'typebot.start', 'typebot.change-status', 'creds.update', 'messaging-history.set',
]);

const PRESENCES = new Set<Presence>(['available', 'unavailable', 'composing', 'recording']);
const CONNECTION_STATES = new Set<ConnectionState>(['connecting', 'open', 'close', 'refused']);

class InvalidShape extends Error {}

/**
 * The envelope's date_time: Evolution's local time with a fake "Z" (CONTRACT §3.1), so only comparable with other
 * events of the same server, which is all it is used for. Missing or unreadable: no time (the state rules decide alone).
 */
function providerTime(dateTime: string | undefined): Date | undefined {
	if (!dateTime) return undefined;
	const at = new Date(dateTime);
	return Number.isNaN(at.getTime()) || at.getFullYear() < 2000 || at.getFullYear() > 2200 ? undefined : at;
}

function hasContent(message: Record<string, unknown> | null | undefined): boolean {
	return !!message && Object.keys(message).length > 0;
}

function parse<T>(schema: ZodType<T>, data: unknown, event: string): T {
	const result = schema.safeParse(data);
	if (!result.success) {
		const issue = result.error.issues[0];
		throw new InvalidShape(`${event}: data.${issue.path.join('.') || '(root)'} ${issue.message}`);
	}
	return result.data;
}

/** Evolution API v2.3.x webhooks (CONTRACT §3) → provider-neutral events. */
export class EvolutionNormaliser implements ProviderNormaliser {
	readonly provider = 'evolution' as const;

	normalise(body: unknown): NormaliseResult {
		const envelope = evolutionEnvelopeSchema.safeParse(body);
		if (!envelope.success) return { ok: false, reason: 'not an Evolution webhook: expected an object with "event" and "data"' };
		const event = envelope.data.event.toLowerCase();
		try {
			return this.normaliseEvent(event, envelope.data.data, providerTime(envelope.data.date_time));
		} catch (error) {
			// Whatever the body, never a crash: an unexpected failure is a rejected delivery with its reason.
			return { ok: false, event, reason: error instanceof InvalidShape ? error.message : `could not read ${event}: ${(error as Error).message}` };
		}
	}

	private normaliseEvent(event: string, data: unknown, at: Date | undefined): NormaliseResult {
		const ok = (events: ProviderEvent[], ignored?: string): NormaliseResult => ({ ok: true, event, events, ignored: events.length === 0 ? ignored ?? 'nothing to apply' : undefined });
		switch (event) {
			case 'messages.upsert':
			case 'send.message': {
				const raw = parse(evolutionMessageRawSchema, data, event);
				// No message at all (seen from Evolution on undecryptable or stub messages): nothing to show, nothing to
				// count as unread; answered 200 so it is not retried, and logged so it is not silent.
				if (!hasContent(raw.message)) {
					const reason = `${event} without a message: nothing stored`;
					return { ok: true, event, events: [], ignored: reason, notice: reason };
				}
				return ok(this.messageEvents(raw, false), 'not a chat message');
			}
			case 'messages.set': {
				const items = parse(evolutionMessageRawSchema.array(), data, event);
				return ok(items.flatMap((item) => this.messageEvents(item, true)), 'no chat messages');
			}
			case 'messages.update': {
				const update = parse(evolutionMessageUpdateSchema, data, event);
				const events: ProviderEvent[] = [];
				if (update.message) {
					const content = readMessageContent(update.message);
					if (content.kind === 'edit') events.push({ kind: 'message.edit', waMessageId: update.keyId, body: content.body, editedAt: content.editedAt ?? new Date() });
					if (content.kind === 'delete') events.push({ kind: 'message.delete', waMessageId: update.keyId, deletedAt: new Date() });
				}
				const status = evolutionStatus(update.status ?? 'SERVER_ACK');
				if (status) events.push({ kind: 'message.status', waMessageId: update.keyId, status });
				return ok(events, `status ${String(update.status)}`);
			}
			case 'messages.delete': {
				const deleted = parse(evolutionMessageDeleteSchema, data, event);
				const id = 'key' in deleted ? (deleted.key as { id: string }).id : (deleted as { id: string }).id;
				return ok([{ kind: 'message.delete', waMessageId: id, deletedAt: new Date() }]);
			}
			case 'messages.edited':
			case 'send.message.update': {
				const protocol = parse(evolutionProtocolMessageSchema, data, event);
				const content = readProtocolMessage(protocol);
				if (content.kind === 'edit') return ok([{ kind: 'message.edit', waMessageId: content.targetWaMessageId, body: content.body, editedAt: content.editedAt ?? new Date() }]);
				if (content.kind === 'delete') return ok([{ kind: 'message.delete', waMessageId: content.targetWaMessageId, deletedAt: new Date() }]);
				return ok([], content.kind === 'ignored' ? content.reason : 'not an edit');
			}
			case 'presence.update': {
				const presence = parse(evolutionPresenceSchema, data, event);
				const events: ProviderEvent[] = [];
				for (const [participantJid, value] of Object.entries(presence.presences)) {
					const state = value.lastKnownPresence as Presence;
					if (!PRESENCES.has(state)) continue;
					events.push({ kind: 'presence', chatJid: presence.id, participantJid, presence: state, lastSeen: value.lastSeen ? new Date(value.lastSeen * 1000) : undefined });
				}
				return ok(events, 'no known presence');
			}
			case 'connection.update': {
				const connection = parse(evolutionConnectionSchema, data, event);
				const state = connection.state as ConnectionState;
				if (!CONNECTION_STATES.has(state)) throw new InvalidShape(`${event}: unknown state "${connection.state}"`);
				return ok([{ kind: 'connection', state, statusReason: connection.statusReason ?? undefined, wuid: connection.wuid ?? undefined, profileName: connection.profileName ?? undefined, profilePictureUrl: connection.profilePictureUrl, at }]);
			}
			case 'status.instance': {
				const status = parse(evolutionStatusInstanceSchema, data, event);
				if (status.status !== 'closed') return ok([], `instance status ${status.status}`);
				return ok([{ kind: 'connection', state: 'close', statusReason: status.disconnectionReasonCode ?? undefined, at }]);
			}
			case 'logout.instance':
				return ok([{ kind: 'connection', state: 'close', statusReason: 401, at }]);
			case 'qrcode.updated': {
				const qr = parse(evolutionQrcodeSchema, data, event);
				if ('qrcode' in qr) {
					const code = qr.qrcode as { code?: string | null; base64?: string | null; pairingCode?: string | null };
					return ok([{ kind: 'qrcode', code: code.code ?? undefined, image: code.base64 ?? undefined, pairingCode: code.pairingCode, at }]);
				}
				return ok([{ kind: 'qrcode.limit', reason: (qr as { message: string }).message, at }]);
			}
			case 'contacts.upsert':
			case 'contacts.update': {
				const parsed = parse(evolutionContactsSchema, data, event);
				const events: ProviderEvent[] = [];
				for (const contact of Array.isArray(parsed) ? parsed : [parsed]) {
					if (isIgnoredChatJid(contact.remoteJid)) continue;
					const chat = resolveChatIdentity([contact.remoteJid]);
					// Evolution's pushName is the name, the verified name or, failing both, the number: that last is no name.
					const name = contact.pushName && contact.pushName !== contact.remoteJid.split('@')[0] ? contact.pushName : undefined;
					if (chat) events.push({ kind: 'contact', chat, name, avatarUrl: contact.profilePicUrl });
				}
				return ok(events, 'no contacts');
			}
			default:
				if (UNUSED_EVENTS.has(event)) return ok([], `event ${event} is not used by the inbox`);
				return { ok: false, event, reason: `unknown Evolution event "${event}"` };
		}
	}

	/**
	 * A findMessages record of history sync, already checked (isEvolutionMessageRaw: the same checks as messages.set's
	 * schema, without zod's copy of every record): its events, exactly as a messages.set item would give them. The
	 * record carries no status column (CONTRACT §2.3): the caller passes the best of its receipts instead (none: the
	 * record's own status, if it has one).
	 */
	historyEvents(raw: EvolutionMessageRaw, status: string | undefined): ProviderEvent[] {
		return this.messageEvents(raw, true, status);
	}

	/** One message: a chat message, or an edit / delete carried as a protocolMessage inside messages.upsert. */
	private messageEvents(raw: EvolutionMessageRaw, history: boolean, status: EvolutionMessageRaw['status'] = raw.status): ProviderEvent[] {
		const key = raw.key;
		if (isIgnoredChatJid(key.remoteJid) || !hasContent(raw.message)) return [];
		const content = readMessageContent(raw.message, raw.contextInfo);
		if (content.kind === 'ignored') return [];
		if (content.kind === 'edit') return [{ kind: 'message.edit', waMessageId: content.targetWaMessageId, body: content.body, editedAt: content.editedAt ?? new Date() }];
		if (content.kind === 'delete') return [{ kind: 'message.delete', waMessageId: content.targetWaMessageId, deletedAt: new Date() }];

		const chat = resolveChatIdentity([key.remoteJid, key.remoteJidAlt]);
		if (!chat) return [];
		const fromMe = key.fromMe === true;
		const seconds = readInt64(raw.messageTimestamp);
		const pushName = raw.pushName && raw.pushName !== 'Você' && !fromMe ? raw.pushName : undefined;
		const message: IncomingMessage = {
			waMessageId: key.id,
			chat,
			fromMe,
			pushName: chat.isGroup ? undefined : pushName,
			sender: chat.isGroup && key.participant ? { jid: pickParticipant(key.participant, key.participantAlt), name: pushName } : undefined,
			type: content.type,
			body: content.body,
			media: content.media,
			details: content.details && Object.keys(content.details).length > 0 ? content.details : undefined,
			quotedWaMessageId: content.quotedWaMessageId,
			reaction: content.reaction,
			status: evolutionStatus(status) ?? (fromMe ? 'server_ack' : 'delivered'),
			timestamp: seconds ? new Date(seconds * 1000) : new Date(),
			referral: content.referral,
			history,
		};
		return [{ kind: 'message', message }];
	}
}

// Group authors come as @lid with the phone JID in participantAlt; prefer the phone JID, keep the lid otherwise.
function pickParticipant(participant: string, participantAlt?: string | null): string {
	return isLidJid(participant) && participantAlt ? participantAlt : participant;
}
