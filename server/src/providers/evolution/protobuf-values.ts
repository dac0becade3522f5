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
