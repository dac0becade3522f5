import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseIntegrationsKey, resolveIntegrationsKey } from '../../src/security/integrations-key';

describe('integrations key', () => {
	let dir: string;
	beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ikey-'))));
	afterEach(() => rmSync(dir, { recursive: true, force: true }));

	it('generates a 32-byte key into the data folder on first start and reuses it', () => {
		const first = resolveIntegrationsKey({ dataDir: dir });
		expect(first).toHaveLength(32);
		expect(statSync(join(dir, 'integrations.key')).mode & 0o777).toBe(0o600);
		expect(resolveIntegrationsKey({ dataDir: dir }).equals(first)).toBe(true);
		expect(Buffer.from(readFileSync(join(dir, 'integrations.key'), 'utf8'), 'base64').equals(first)).toBe(true);
	});

	it('prefers the configured key, in hex or base64', () => {
		const hex = 'ab'.repeat(32);
		expect(resolveIntegrationsKey({ configured: hex, dataDir: dir }).toString('hex')).toBe(hex);
		const b64 = Buffer.alloc(32, 7).toString('base64');
		expect(parseIntegrationsKey(b64).equals(Buffer.alloc(32, 7))).toBe(true);
	});

	it('rejects a key of the wrong size', () => {
		expect(() => parseIntegrationsKey('too-short')).toThrow(/32 bytes/);
	});
});
