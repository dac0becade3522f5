/**
 * Evolution serialises protobuf int64 fields three ways depending on version and path: a number, a decimal string
 * (protobuf-JSON), or Long's {low, high, unsigned}. This reads all of them.
 */
export function readInt64(value: unknown): number | undefined {
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
	if (value && typeof value === 'object' && 'low' in value && 'high' in value) {
		const { low, high, unsigned } = value as { low: number; high: number; unsigned?: boolean };
		if (typeof low !== 'number' || typeof high !== 'number') return undefined;
		const lowBits = low >>> 0;
		return unsigned ? (high >>> 0) * 2 ** 32 + lowBits : high * 2 ** 32 + lowBits;
	}
	return undefined;
}

/** A protobuf enum given as its number (2.3.6+) or its name (protobuf-JSON). */
export function enumIs(value: unknown, name: string, number: number): boolean {
	return value === name || value === number;
}

/**
 * A protobuf bytes field (fileSha256…) as lowercase hex, from each way Evolution writes it: an object with numeric
 * keys {"0":146,…} (2.3.6+), a base64 string (protobuf-JSON, ≤ 2.3.5) or {"type":"Buffer","data":[…]}.
 */
export function readBytesHex(value: unknown): string | undefined {
	if (typeof value === 'string') return value.length > 0 && /^[A-Za-z0-9+/_-]+=*$/.test(value) ? Buffer.from(value, 'base64').toString('hex') : undefined;
	if (!value || typeof value !== 'object') return undefined;
	const record = value as Record<string, unknown>;
	const list = record.type === 'Buffer' && Array.isArray(record.data) ? record.data : Object.keys(record).every((k) => /^\d+$/.test(k)) ? Object.keys(record).sort((x, y) => Number(x) - Number(y)).map((k) => record[k]) : undefined;
	if (!list || list.length === 0 || !list.every((b) => typeof b === 'number' && Number.isInteger(b) && b >= 0 && b < 256)) return undefined;
	return Buffer.from(list as number[]).toString('hex');
}
