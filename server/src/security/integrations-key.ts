import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Parses a 32-byte key given as base64 or hex. */
export function parseIntegrationsKey(value: string): Buffer {
	const trimmed = value.trim();
	const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
	if (key.length !== 32) throw new Error('INTEGRATIONS_KEY must be 32 bytes, given as 64 hex characters or base64');
	return key;
}

/**
 * The AES-256-GCM key for channel API keys at rest. Production must set INTEGRATIONS_KEY (config enforces it);
 * the embedded setup generates one on first start into the data folder (mode 0600) and reuses it after.
 */
export function resolveIntegrationsKey(options: { configured?: string; dataDir: string }): Buffer {
	if (options.configured) return parseIntegrationsKey(options.configured);
	const file = join(options.dataDir, 'integrations.key');
	if (existsSync(file)) return parseIntegrationsKey(readFileSync(file, 'utf8'));
	mkdirSync(options.dataDir, { recursive: true });
	const key = randomBytes(32);
	writeFileSync(file, key.toString('base64'), { mode: 0o600 });
	return key;
}
