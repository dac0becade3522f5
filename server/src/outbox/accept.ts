import type { Caller } from '../auth/caller';
import type { Queryable } from '../db/db';
import { ApiError, badRequest, notFound } from '../inbox/api/api-error';
import type { MediaSource } from './media-source';
import type { NewOutboxMessage, OutboundType, OutboxRequest } from './outbox-store';

/** What a client asks to send (the body of POST …/messages), before it is checked against its conversation. */
export interface SendInput {
	type: OutboundType;
	text?: string;
	caption?: string;
	media?: { url?: string; mediaId?: string; mimeType?: string; fileName?: string };
	replyToMessageId?: string;
	reaction?: { messageId: string; emoji: string };
	location?: { latitude: number; longitude: number; name?: string; address?: string };
	contact?: { fullName: string; phoneNumber: string; organization?: string; email?: string };
	clientId?: string;
	/** Typing simulation before the send (default on; the channel may turn it off). */
	typing?: boolean;
}

/** The conversation a send goes to, with what decides its origin and whether it may go at all. */
export interface SendTarget {
	workspaceId: string;
	conversationId: string;
	channelId: string;
	chatJid: string;
	provider: string;
	lastInboundAt: Date | null;
	optedOutAt: Date | null;
	channelSettings: Record<string, unknown>;
	channelCreatedAt: Date;
	/** The contact's name (or WhatsApp push name), for a campaign's {{name}}. */
	contactName: string | null;
}

const SEND_TARGET_SELECT = `SELECT c.workspace_id AS "workspaceId", c.id AS "conversationId", c.channel_id AS "channelId", c.chat_jid AS "chatJid", ch.provider,
		c.last_inbound_at AS "lastInboundAt", ct.opted_out_at AS "optedOutAt", ch.settings AS "channelSettings",
		ch.created_at AS "channelCreatedAt", coalesce(ct.name, ct.push_name) AS "contactName"
	 FROM whatsapp_conversations c
	 JOIN whatsapp_channels ch ON ch.id = c.channel_id AND ch.workspace_id = c.workspace_id
	 JOIN contacts ct ON ct.id = c.contact_id AND ct.workspace_id = c.workspace_id`;

export async function findSendTarget(db: Queryable, workspaceId: string, conversationId: string): Promise<SendTarget | undefined> {
	const { rows } = await db.query<SendTarget>(`${SEND_TARGET_SELECT} WHERE c.workspace_id = $1 AND c.id = $2`, [workspaceId, conversationId]);
	return rows[0];
}

/** The send targets of many conversations (a campaign's) in one query, by conversation id; unknown ones are absent. */
export async function findSendTargets(db: Queryable, workspaceId: string, conversationIds: string[]): Promise<Map<string, SendTarget>> {
	if (!conversationIds.length) return new Map();
	const { rows } = await db.query<SendTarget>(`${SEND_TARGET_SELECT} WHERE c.workspace_id = $1 AND c.id = ANY($2::uuid[])`, [workspaceId, [...new Set(conversationIds)]]);
	return new Map(rows.map((target) => [target.conversationId, target]));
}

// WhatsApp's customer-service window: a contact who wrote in the last 24 h gets replies at once; anything else is proactive.
const REPLY_WINDOW_MS = 24 * 3_600_000;

export function originOf(target: Pick<SendTarget, 'lastInboundAt'>, now = Date.now()): 'reply' | 'proactive' {
	return target.lastInboundAt && now - target.lastInboundAt.getTime() < REPLY_WINDOW_MS ? 'reply' : 'proactive';
}

/** Typing is on unless the channel (settings.outbox.typing = false) or the request turns it off. */
function typingWanted(target: SendTarget, input: SendInput): boolean {
	const outbox = (target.channelSettings?.outbox ?? {}) as { typing?: unknown };
	return input.typing !== false && outbox.typing !== false;
}

/** A message of this conversation that WhatsApp knows (has an id): what a quote or a reaction points at. */
async function targetMessage(db: Queryable, target: SendTarget, messageId: string, what: string): Promise<{ waMessageId: string; fromMe: boolean }> {
	const { rows } = await db.query<{ waMessageId: string | null; fromMe: boolean; direction: string }>(
		`SELECT wa_message_id AS "waMessageId", from_me AS "fromMe", direction FROM whatsapp_messages WHERE workspace_id = $1 AND conversation_id = $2 AND id = $3`,
		[target.workspaceId, target.conversationId, messageId],
	);
	const row = rows[0];
	if (!row) throw notFound(`The message to ${what}`);
	if (row.direction === 'internal') throw new ApiError(422, 'not_on_whatsapp', `A private note cannot be the message to ${what}: it was never on WhatsApp.`);
	if (!row.waMessageId) throw new ApiError(422, 'not_sent_yet', `The message to ${what} has not reached WhatsApp yet; try again once it is sent.`);
	return { waMessageId: row.waMessageId, fromMe: row.fromMe };
}

/**
 * Checks a send against its conversation and builds the queued row: the fields each type needs, the quote and
 * reaction resolved to WhatsApp ids, the media reference (a mediaId must resolve now: a clear 422 beats a failure
 * later), the origin, opt-out for proactive sends. Throws ApiError 400/404/422 with a sentence saying what to fix.
 */
export async function prepareSend(
	db: Queryable,
	media: MediaSource,
	caller: Pick<Caller, 'workspaceId' | 'userId'>,
	target: SendTarget,
	input: SendInput,
	options: { campaign?: boolean } = {},
): Promise<NewOutboxMessage> {
	if (target.provider !== 'evolution') throw new ApiError(422, 'unsupported_provider', 'Only Evolution channels send through the server.');
	const origin = originOf(target);
	// A campaign (the batch route) is never a reply: someone who just wrote SAIR is inside the 24 h window, and the
	// window is for answering them, not for the next offer.
	if (target.optedOutAt && (origin === 'proactive' || options.campaign)) {
		throw new ApiError(422, 'opted_out', 'This contact asked not to receive messages (opt-out); only replies after they write again are allowed.');
	}
	const request: OutboxRequest = { typing: typingWanted(target, input) };
	let body: string | null = null;
	let mediaColumns: NewOutboxMessage['media'];
	let reactionTarget: string | null = null;
	switch (input.type) {
		case 'text':
			if (!input.text?.trim()) throw badRequest('body.text: a text message needs a non-empty text.', 'validation_error');
			body = input.text;
			break;
		case 'image':
		case 'video':
		case 'audio':
		case 'document':
		case 'sticker': {
			const m = input.media;
			if (!m || (!m.url && !m.mediaId)) throw badRequest(`body.media: a ${input.type} needs media.url (http/https) or media.mediaId.`, 'validation_error');
			if (m.url && m.mediaId) throw badRequest('body.media: give either media.url or media.mediaId, not both.', 'validation_error');
			if (m.url && !/^https?:\/\//i.test(m.url)) throw badRequest('body.media.url: must be an http(s) URL.', 'validation_error');
			const stored = m.mediaId ? await media.resolve(caller.workspaceId, m.mediaId) : undefined;
			request.media = { url: m.url, mediaId: m.mediaId, mimeType: m.mimeType, fileName: m.fileName };
			// A stored file is named on the row at once (media.id, its type and name), so the thread can show it
			// from the first answer instead of waiting for WhatsApp's echo to be captured.
			mediaColumns = {
				id: m.mediaId ?? null,
				url: m.url ?? null,
				mimeType: m.mimeType ?? stored?.mimeType ?? null,
				fileName: m.fileName ?? stored?.fileName ?? null,
			};
			body = input.type === 'audio' || input.type === 'sticker' ? null : (input.caption ?? input.text ?? null);
			break;
		}
		case 'location': {
			const l = input.location;
			if (!l) throw badRequest('body.location: a location needs {latitude, longitude}.', 'validation_error');
			request.location = { latitude: l.latitude, longitude: l.longitude, name: l.name ?? '', address: l.address ?? '' };
			body = l.name || l.address || null;
			break;
		}
		case 'contact': {
			const c = input.contact;
			if (!c) throw badRequest('body.contact: a contact card needs {fullName, phoneNumber}.', 'validation_error');
			request.contact = { fullName: c.fullName, phoneNumber: c.phoneNumber, ...(c.organization ? { organization: c.organization } : {}), ...(c.email ? { email: c.email } : {}) };
			body = c.fullName;
			break;
		}
		case 'reaction': {
			const r = input.reaction;
			if (!r) throw badRequest('body.reaction: a reaction needs {messageId, emoji} (an empty emoji removes it).', 'validation_error');
			const on = await targetMessage(db, target, r.messageId, 'react to');
			request.reaction = { waMessageId: on.waMessageId, fromMe: on.fromMe, emoji: r.emoji };
			reactionTarget = on.waMessageId;
			body = r.emoji;
			break;
		}
	}
	let quoted: string | null = null;
	if (input.replyToMessageId && input.type !== 'reaction') {
		const on = await targetMessage(db, target, input.replyToMessageId, 'reply to');
		request.quoted = on;
		quoted = on.waMessageId;
	}
	return {
		workspaceId: caller.workspaceId,
		channelId: target.channelId,
		conversationId: target.conversationId,
		type: input.type,
		body,
		origin,
		request,
		clientId: input.clientId,
		userId: caller.userId,
		media: mediaColumns,
		quotedWaMessageId: quoted,
		reactionTargetWaMessageId: reactionTarget,
	};
}
