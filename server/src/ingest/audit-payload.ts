const DROPPED_KEYS = new Set(['base64', 'jpegThumbnail', 'messageContextInfo', 'thumbnail']);
const MAX_AUDIT_CHARS = 32_000;

// Protobuf bytes serialised as {"0":12,"1":34,…}: meaningless in an audit log and large.
function isByteObject(value: object): boolean {
	return !Array.isArray(value) && '0' in value && '1' in value;
}

// What the replacer below would change (or jsonb refuse): when the raw text has none of it, the text itself is kept.
const NEEDS_COMPACTING = /"(?:base64|jpegThumbnail|messageContextInfo|thumbnail)"|"0":|\\u0000/;

/**
 * The webhook body as kept in the audit log: media blobs and byte arrays removed, size-capped. `rawText`, the body
 * as received, is used as it is when there is nothing to remove (most deliveries), which saves serialising it again.
 */
export function compactAuditPayload(body: unknown, event: string | undefined, rawText?: string): string {
	if (rawText !== undefined && rawText.length <= MAX_AUDIT_CHARS && !NEEDS_COMPACTING.test(rawText)) return rawText;
	const text = JSON.stringify(body, (key, value) => {
		if (DROPPED_KEYS.has(key)) return '[removed]';
		if (value && typeof value === 'object' && isByteObject(value)) return '[bytes]';
		return value;
	});
	if (text === undefined) return 'null';
	return text.length <= MAX_AUDIT_CHARS ? text : JSON.stringify({ truncated: true, event: event ?? null, chars: text.length });
}
