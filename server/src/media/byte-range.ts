import type { ByteRange } from './media-store';

/**
 * One range of a `Range: bytes=…` header against a file of `size` bytes (RFC 9110 §14.1.2): `start-end`, `start-`
 * or the suffix `-n`. undefined: no usable single range, answer the whole file (several ranges included: a server
 * may ignore Range). 'unsatisfiable': the range lies past the end (416).
 */
export function parseByteRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
	if (!header) return undefined;
	const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
	if (!match || (match[1] === '' && match[2] === '')) return undefined;
	if (match[1] === '') {
		const suffix = Number(match[2]);
		if (suffix === 0) return 'unsatisfiable';
		return size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - suffix), end: size - 1 };
	}
	const start = Number(match[1]);
	const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
	if (start >= size) return 'unsatisfiable';
	if (end < start) return undefined;
	return { start, end };
}
