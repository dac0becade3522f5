/**
 * JSON bodies as the server accepts them, webhooks and REST alike: nesting bounded before anything recursive walks
 * them, and every string (keys too) made storable. PostgreSQL text and jsonb refuse U+0000 and a UTF-16 surrogate
 * without its pair; WhatsApp cuts long names in the middle of an emoji, so a lone surrogate is real traffic.
 */

/** Deepest nesting of objects/arrays accepted. Evolution's deepest real payloads (quoted messages) stay under 20. */
export const MAX_JSON_DEPTH = 64;

/** Why a body was refused; `code` is the machine code the routes answer with. */
export class JsonBodyError extends Error {
	constructor(
		readonly code: 'invalid_json' | 'body_too_deep' | 'body_contains_nul' | 'forbidden_key',
		message: string,
	) {
		super(message);
		this.name = 'JsonBodyError';
	}
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_OBJECT = 123;
const OPEN_ARRAY = 91;
const CLOSE_OBJECT = 125;
const CLOSE_ARRAY = 93;

/**
 * Whether the text nests objects/arrays deeper than `limit`. One pass over the text, before parsing: V8's parser copes
 * with any depth, but what walks the result afterwards (the audit copy's JSON.stringify, PGlite's jsonb) does not.
 * Strings are skipped with indexOf, so a body that is mostly a base64 media blob costs little.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
	let depth = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c === QUOTE) {
			// The closing quote: the next one not escaped by an odd run of backslashes.
			for (;;) {
				const end = text.indexOf('"', i + 1);
				if (end < 0) return false; // unterminated: JSON.parse reports it
				let slashes = 0;
				while (text.charCodeAt(end - 1 - slashes) === BACKSLASH) slashes++;
				i = end;
				if (slashes % 2 === 0) break;
			}
		} else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
			if (++depth > limit) return true;
		} else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
			depth--;
		}
	}
	return false;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const HAS_SURROGATE = /[\uD800-\uDFFF]/;

/** The string with each unpaired surrogate replaced by U+FFFD (what a UTF-8 decoder does with the same bytes). */
export function wellFormed(text: string): string {
	return HAS_SURROGATE.test(text) ? text.replace(LONE_SURROGATE, '\uFFFD') : text;
}

/** A string PostgreSQL can store: NULs dropped (`strip`) or refused (`reject`), lone surrogates replaced. */
function storable(text: string, nul: 'strip' | 'reject'): string {
	let value = text;
	if (value.includes('\u0000')) {
		if (nul === 'reject') throw new JsonBodyError('body_contains_nul', 'the body holds a NUL character (\\u0000), which no text field accepts; remove it');
		value = value.replaceAll('\u0000', '');
	}
	return wellFormed(value);
}

/** A copy with every string and key storable. Only called on values within MAX_JSON_DEPTH, so the recursion is bounded. */
export function storableJson(value: unknown, nul: 'strip' | 'reject'): unknown {
	if (typeof value === 'string') return storable(value, nul);
	if (value === null || typeof value !== 'object') return value;
	if (Array.isArray(value)) return value.map((item) => storableJson(item, nul));
	const copy: Record<string, unknown> = {};
	for (const [key, item] of Object.entries(value)) {
		// REST bodies (strict mode) refuse what Fastify's own parser refuses: a key that could reach a prototype.
		if (nul === 'reject' && key === '__proto__') throw new JsonBodyError('forbidden_key', 'the body holds a "__proto__" key');
		// defineProperty: a "__proto__" key stays a plain key and never becomes the copy's prototype.
		Object.defineProperty(copy, storable(key, nul), { value: storableJson(item, nul), enumerable: true, writable: true, configurable: true });
	}
	return copy;
}

/**
 * A JSON text can only carry a NUL or a lone surrogate as a \u escape (the UTF-8 decoding of the bytes already turned
 * invalid sequences into U+FFFD), so bodies without such an escape, nearly all of them, skip the copy.
 */
const NEEDS_STORABLE_COPY = /\\u(?:0000|[dD][89a-fA-F])/;

/**
 * Depth check, parse, storable strings. Throws JsonBodyError. `nul: 'reject'` (REST bodies, small) always walks the
 * value, refusing NULs and `__proto__` keys; `nul: 'strip'` (webhooks: Evolution sends what WhatsApp sent) copies
 * only bodies that need it. A syntax error's message keeps its position but not V8's quote of the body.
 */
export function parseBoundedJson(text: string, options: { nul: 'strip' | 'reject'; maxDepth?: number }): unknown {
	const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
	if (nestsDeeperThan(text, maxDepth)) throw new JsonBodyError('body_too_deep', `the body nests objects/arrays deeper than ${maxDepth} levels`);
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		const reason = (error as Error).message.replace(/, ".*" is not valid JSON$/s, '');
		throw new JsonBodyError('invalid_json', `body is not valid JSON: ${reason}`);
	}
	return options.nul === 'reject' || NEEDS_STORABLE_COPY.test(text) ? storableJson(value, options.nul) : value;
}
