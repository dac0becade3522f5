/**
 * Structural comparison for the contract tests: same keys and value types, recursively.
 * - Objects whose keys are all 0..n-1 indices are protobuf bytes: any length matches.
 * - Arrays: every actual element must match one of the expected elements' shapes (an empty expected array accepts anything).
 * - An expected `null` accepts any value (nullable columns); an actual null needs an expected null.
 */
type Kind = 'null' | 'string' | 'number' | 'boolean' | 'array' | 'bytes' | 'object';

function kindOf(value: unknown): Kind {
	if (value === null || value === undefined) return 'null';
	if (Array.isArray(value)) return 'array';
	if (typeof value === 'object') {
		const keys = Object.keys(value as object);
		if (keys.length > 0 && keys.every((key, index) => key === String(index))) return 'bytes';
		return 'object';
	}
	return typeof value as Kind;
}

const isJid = (key: string) => /^[\w.-]+@(s\.whatsapp\.net|lid|g\.us)$/.test(key);

export interface ShapeOptions {
	/** Dotted paths (from the root) whose keys may be missing in the actual value, e.g. "sender". */
	optional?: string[];
}

export function shapeDifferences(expected: unknown, actual: unknown, options: ShapeOptions = {}, path = ''): string[] {
	const expectedKind = kindOf(expected);
	const actualKind = kindOf(actual);
	const at = path || '(root)';
	if (expectedKind === 'null') return [];
	if (expectedKind !== actualKind) return [`${at}: expected ${expectedKind}, got ${actualKind}`];
	if (expectedKind === 'array') {
		const expectedItems = expected as unknown[];
		if (expectedItems.length === 0) return [];
		const differences: string[] = [];
		(actual as unknown[]).forEach((item, index) => {
			const attempts = expectedItems.map((candidate) => shapeDifferences(candidate, item, options, `${path}[${index}]`));
			if (!attempts.some((attempt) => attempt.length === 0)) differences.push(...attempts.sort((a, b) => a.length - b.length)[0]);
		});
		return differences;
	}
	if (expectedKind !== 'object') return [];
	const expectedObject = expected as Record<string, unknown>;
	const actualObject = actual as Record<string, unknown>;
	const differences: string[] = [];
	const expectedKeys = Object.keys(expectedObject);
	if (expectedKeys.length > 0 && expectedKeys.every(isJid)) {
		for (const [key, value] of Object.entries(actualObject)) {
			if (!isJid(key)) differences.push(`${path}.${key}: expected a JID key`);
			else differences.push(...shapeDifferences(expectedObject[expectedKeys[0]], value, options, `${path}.${key}`));
		}
		return differences;
	}
	for (const key of Object.keys(expectedObject)) {
		const childPath = path ? `${path}.${key}` : key;
		if (!(key in actualObject) || actualObject[key] === undefined) {
			if (!options.optional?.includes(childPath)) differences.push(`${childPath}: missing`);
			continue;
		}
		differences.push(...shapeDifferences(expectedObject[key], actualObject[key], options, childPath));
	}
	for (const key of Object.keys(actualObject))
		if (!(key in expectedObject)) differences.push(`${path ? `${path}.${key}` : key}: unexpected key`);
	return differences;
}
