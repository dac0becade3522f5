import { wellFormed } from '../http/bounded-json';

const DROPPED_KEYS = new Set(['base64', 'jpegThumbnail', 'messageContextInfo', 'thumbnail']);
/** Evolution puts the instance's API key in every webhook body (`apikey`): the audit copy never keeps it. */
const SECRET_KEYS = new Set(['apikey', 'api_key']);
const MAX_AUDIT_CHARS = 32_000;

// Protobuf bytes serialised as {"0":12,"1":34,…}: meaningless in an audit log and large.
function isByteObject(value: object): boolean {
	return !Array.isArray(value) && '0' in value && '1' in value;
}

// What the replacer below would change (or jsonb refuse: a NUL or a lone surrogate, which a text can only hold as a
// \u escape): when the raw text has none of it, the text itself is kept, after the API key is blanked in place.
const NEEDS_COMPACTING = /"(?:base64|jpegThumbnail|messageContextInfo|thumbnail)"|"0":|\\u(?:0000|[dD][89a-fA-F])/;
const API_KEY_MEMBER = /("api_?key"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;
// An API key member left after the blanking (not a string value, say): the text goes through the replacer instead.
const API_KEY_LEFT = /"api_?key"\s*:\s*(?!"\[removed\]")/i;

/** Strings jsonb can hold: NULs dropped, lone surrogates replaced (U+FFFD). */
function storable(text: string): string {
	return wellFormed(text.includes('\u0000') ? text.replaceAll('\u0000', '') : text);
}

/** An object whose keys jsonb cannot hold gets them rewritten (JSON.stringify's replacer cannot rename keys). */
function withStorableKeys(value: object): object {
	const keys = Object.keys(value);
	if (keys.every((key) => storable(key) === key)) return value;
	const copy: Record<string, unknown> = {};
	for (const key of keys) Object.defineProperty(copy, storable(key), { value: (value as Record<string, unknown>)[key], enumerable: true, writable: true, configurable: true });
	return copy;
}

function replacer(key: string, value: unknown): unknown {
	if (DROPPED_KEYS.has(key)) return '[removed]';
	if (SECRET_KEYS.has(key.toLowerCase())) return '[removed]';
	if (typeof value === 'string') return storable(value);
	if (value && typeof value === 'object') return isByteObject(value) ? '[bytes]' : Array.isArray(value) ? value : withStorableKeys(value);
	return value;
}

/**
 * The webhook body as kept in the audit log: media blobs, byte arrays and the instance API key removed, strings made
 * storable, size-capped. Safe for anything that parsed as JSON: a value too deep to serialise is recorded as such.
 * `rawText`, the body as received, is used as it is when there is nothing to remove (most deliveries), which saves
 * serialising it again.
 */
export function compactAuditPayload(body: unknown, event: string | undefined, rawText?: string): string {
	if (rawText !== undefined && rawText.length <= MAX_AUDIT_CHARS && !NEEDS_COMPACTING.test(rawText)) {
		const blanked = rawText.replace(API_KEY_MEMBER, '$1"[removed]"');
		if (!API_KEY_LEFT.test(blanked)) return blanked;
	}
	let text: string | undefined;
	try {
		text = JSON.stringify(body, replacer);
	} catch {
		// Nested too deep for the stack (the routes refuse such bodies; a direct caller of the ingest service may not).
		return JSON.stringify({ unstorable: true, event: event === undefined ? null : storable(event), reason: 'nested too deep to copy' });
	}
	if (text === undefined) return 'null';
	return text.length <= MAX_AUDIT_CHARS ? text : JSON.stringify({ truncated: true, event: event === undefined ? null : storable(event), chars: text.length });
}
