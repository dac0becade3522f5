const NUL_ESCAPE = '\\u0000';

function withoutNul(_key: string, value: unknown): unknown {
	return typeof value === 'string' && value.includes('\u0000') ? value.replaceAll('\u0000', '') : value;
}

/**
 * Parses a webhook body. PostgreSQL text and jsonb cannot hold U+0000, so a NUL anywhere in a payload would make
 * the delivery fail for good and Evolution would retry it ten times; it is dropped here instead. JSON can only carry
 * a NUL as the `\u0000` escape, so the (slower) reviver runs only when that escape is in the text.
 */
export function parseWebhookJson(text: string): unknown {
	return text.includes(NUL_ESCAPE) ? JSON.parse(text, withoutNul) : JSON.parse(text);
}
