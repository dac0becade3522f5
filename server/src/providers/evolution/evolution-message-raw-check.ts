import { EVENT_LIMITS } from '../event-bounds';
import type { EvolutionMessageRaw } from './evolution-webhook.schema';

/*
 * The check of `evolutionMessageRawSchema` written out by hand, for history sync: a findMessages page holds hundreds of
 * records, and zod's parse of each one (a copy of every object it walks, the envelope around it) was a large part of
 * the import's own CPU. It accepts and rejects exactly what the schema does for JSON values (what findMessages
 * answers; test/providers/evolution-message-raw-check.test.ts holds the two side by side over hostile records), and
 * answers the record itself instead of a copy: the normaliser only reads it.
 */

type Json = Record<string, unknown>;

/** zod's "object" for a JSON value: not null, not an array. */
function isObject(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const nullish = (value: unknown) => value === undefined || value === null;
const boundedString = (value: unknown, max: number) => typeof value === 'string' && value.length >= 1 && value.length <= max;
const nullishJid = (value: unknown) => nullish(value) || boundedString(value, EVENT_LIMITS.jid);
const nullishString = (value: unknown) => nullish(value) || typeof value === 'string';
const nullishObject = (value: unknown) => nullish(value) || isObject(value);

function isMessageKey(key: unknown): boolean {
	return (
		isObject(key) &&
		boundedString(key.id, EVENT_LIMITS.id) &&
		boundedString(key.remoteJid, EVENT_LIMITS.jid) &&
		nullishJid(key.remoteJidAlt) &&
		(nullish(key.fromMe) || typeof key.fromMe === 'boolean') &&
		nullishJid(key.participant) &&
		nullishJid(key.participantAlt) &&
		nullishString(key.addressingMode)
	);
}

/** Whether `value` (a JSON value) is a messageRaw as `evolutionMessageRawSchema` accepts it. */
export function isEvolutionMessageRaw(value: unknown): value is EvolutionMessageRaw {
	return (
		isObject(value) &&
		isMessageKey(value.key) &&
		nullishString(value.pushName) &&
		(nullish(value.status) || typeof value.status === 'string' || (typeof value.status === 'number' && !Number.isNaN(value.status))) &&
		nullishObject(value.message) &&
		nullishObject(value.contextInfo) &&
		nullishString(value.messageType)
	);
}
