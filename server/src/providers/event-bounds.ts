import { wellFormed } from '../http/bounded-json';
import type { AdReferral, ChatIdentity, IncomingMessage, MediaReference, ProviderEvent } from './provider-events';

/**
 * The one place where values a provider sent are bounded before they reach SQL. Whatever the provider schema let
 * through, a normalised event holds only what the columns and their indexes take: ids and JIDs short enough for a
 * btree row (a 5,000-digit JID once overflowed one), names and texts of a sane length (clamped: the message is still
 * worth storing), integers in range for int/bigint casts (fractional or 1e300 `seconds`, `fileLength`,
 * `statusReason`), and dates PostgreSQL can hold (`messageTimestamp` 1e15 or a 20-digit string).
 */
export const EVENT_LIMITS = {
	/** WhatsApp message ids are 16–40 characters. */
	id: 128,
	/** JIDs: a phone or group number, a @lid, a server part; a few dozen characters. */
	jid: 128,
	/** Push names, profile and contact names: WhatsApp itself allows 25; the index on names needs a bound. */
	name: 256,
	/** WhatsApp's own limit for a text message. */
	body: 65_536,
	/** URLs, MIME types, file names, ad fields. */
	text: 4_096,
} as const;

const INT32_MAX = 2 ** 31 - 1;
// Before WhatsApp existed and more than a day ahead of our clock: a sender's broken clock or a hostile value.
const EARLIEST = Date.UTC(2009, 0, 1);
const AHEAD_MS = 24 * 3_600_000;

export interface BoundedEvents {
	events: ProviderEvent[];
	/** Events left out because an id or JID could not be stored (too long or empty). */
	dropped: number;
	/** Values clamped or cleared in the events kept. */
	adjusted: number;
}

class Bounder {
	adjusted = 0;

	constructor(private readonly now: number) {}

	/** A string cut to `max` characters (never in the middle of a surrogate pair). */
	clamp(value: string, max: number): string {
		if (value.length <= max) return value;
		this.adjusted++;
		return wellFormed(value.slice(0, max)).replace(/\uFFFD$/, '');
	}

	optionalClamp(value: string | undefined, max: number): string | undefined {
		return value === undefined ? undefined : this.clamp(value, max);
	}

	/** A string kept only when it fits (a truncated URL or id would be wrong, not shorter). */
	fitting<T extends string | null | undefined>(value: T, max: number): T | undefined {
		if (typeof value !== 'string' || value.length <= max) return value;
		this.adjusted++;
		return undefined;
	}

	integer(value: number | undefined, max: number): number | undefined {
		if (value === undefined) return undefined;
		const rounded = Number.isFinite(value) ? Math.round(value) : NaN;
		if (rounded >= 0 && rounded <= max) {
			if (rounded !== value) this.adjusted++;
			return rounded;
		}
		this.adjusted++;
		return undefined;
	}

	date(value: Date | undefined): Date | undefined {
		if (value === undefined) return undefined;
		const ms = value.getTime();
		if (ms >= EARLIEST && ms <= this.now + AHEAD_MS) return value;
		this.adjusted++;
		return undefined;
	}

	requiredDate(value: Date): Date {
		return this.date(value) ?? new Date(this.now);
	}
}

const fits = (value: string | undefined, max: number) => value === undefined || (value.length > 0 && value.length <= max);

function chatFits(chat: ChatIdentity): boolean {
	return fits(chat.jid, EVENT_LIMITS.jid) && fits(chat.lid, EVENT_LIMITS.jid) && fits(chat.phone, EVENT_LIMITS.jid);
}

function media(b: Bounder, value: MediaReference | undefined): MediaReference | undefined {
	if (!value) return undefined;
	return {
		...value,
		url: b.fitting(value.url, EVENT_LIMITS.text),
		mimeType: b.fitting(value.mimeType, 255),
		fileName: b.optionalClamp(value.fileName, 255),
		sizeBytes: b.integer(value.sizeBytes, Number.MAX_SAFE_INTEGER),
		durationSeconds: b.integer(value.durationSeconds, INT32_MAX),
		sha256: b.fitting(value.sha256, 128),
	};
}

function referral(b: Bounder, value: AdReferral | undefined): AdReferral | undefined {
	if (!value) return undefined;
	return {
		...value,
		ctwaClid: b.fitting(value.ctwaClid, EVENT_LIMITS.text),
		sourceId: b.fitting(value.sourceId, EVENT_LIMITS.text),
		sourceType: b.fitting(value.sourceType, EVENT_LIMITS.text),
		sourceUrl: b.fitting(value.sourceUrl, EVENT_LIMITS.text),
		headline: b.optionalClamp(value.headline, EVENT_LIMITS.text),
		body: b.optionalClamp(value.body, EVENT_LIMITS.text),
	};
}

function message(b: Bounder, m: IncomingMessage): IncomingMessage | undefined {
	if (!fits(m.waMessageId, EVENT_LIMITS.id) || !chatFits(m.chat)) return undefined;
	if (m.sender && !fits(m.sender.jid, EVENT_LIMITS.jid)) return undefined;
	if (m.reaction && !fits(m.reaction.targetWaMessageId, EVENT_LIMITS.id)) return undefined;
	return {
		...m,
		pushName: b.optionalClamp(m.pushName, EVENT_LIMITS.name),
		sender: m.sender ? { jid: m.sender.jid, name: b.optionalClamp(m.sender.name, EVENT_LIMITS.name) } : undefined,
		body: b.optionalClamp(m.body, EVENT_LIMITS.body),
		media: media(b, m.media),
		quotedWaMessageId: b.fitting(m.quotedWaMessageId, EVENT_LIMITS.id),
		reaction: m.reaction ? { targetWaMessageId: m.reaction.targetWaMessageId, emoji: b.clamp(m.reaction.emoji, 32) } : undefined,
		timestamp: b.requiredDate(m.timestamp),
		referral: referral(b, m.referral),
	};
}

function bounded(b: Bounder, event: ProviderEvent): ProviderEvent | undefined {
	switch (event.kind) {
		case 'message': {
			const kept = message(b, event.message);
			return kept && { kind: 'message', message: kept };
		}
		case 'message.status':
			return fits(event.waMessageId, EVENT_LIMITS.id) ? event : undefined;
		case 'message.edit':
			return fits(event.waMessageId, EVENT_LIMITS.id) ? { ...event, body: b.clamp(event.body, EVENT_LIMITS.body), editedAt: b.requiredDate(event.editedAt) } : undefined;
		case 'message.delete':
			return fits(event.waMessageId, EVENT_LIMITS.id) ? { ...event, deletedAt: b.requiredDate(event.deletedAt) } : undefined;
		case 'presence':
			return fits(event.chatJid, EVENT_LIMITS.jid) && fits(event.participantJid, EVENT_LIMITS.jid) ? { ...event, lastSeen: b.date(event.lastSeen) } : undefined;
		case 'connection':
			return {
				...event,
				statusReason: b.integer(event.statusReason, INT32_MAX),
				wuid: b.fitting(event.wuid, EVENT_LIMITS.jid),
				profileName: b.optionalClamp(event.profileName, EVENT_LIMITS.name),
				profilePictureUrl: b.fitting(event.profilePictureUrl, EVENT_LIMITS.text),
				at: b.date(event.at),
			};
		case 'qrcode':
		case 'qrcode.limit':
			return { ...event, at: b.date(event.at) };
		case 'contact':
			if (!chatFits(event.chat)) return undefined;
			return { ...event, name: b.optionalClamp(event.name, EVENT_LIMITS.name), avatarUrl: b.fitting(event.avatarUrl, EVENT_LIMITS.text) };
	}
}

/** The events with every value bounded; events whose identity cannot be stored are left out (counted in `dropped`). */
export function boundEvents(events: ProviderEvent[], now: number = Date.now()): BoundedEvents {
	const b = new Bounder(now);
	const kept: ProviderEvent[] = [];
	for (const event of events) {
		const value = bounded(b, event);
		if (value) kept.push(value);
	}
	return { events: kept, dropped: events.length - kept.length, adjusted: b.adjusted };
}
