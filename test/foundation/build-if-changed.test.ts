import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the script is plain CommonJS outside the TypeScript project
const { fingerprint } = require('../../scripts/build-if-changed.js') as { fingerprint(base?: string): string };

describe('npm start builds only when the sources changed (scripts/build-if-changed.js)', () => {
	let dir: string;
	beforeEach(() => {
		dir = mkdtempSync(join(tmpdir(), 'build-fp-'));
		mkdirSync(join(dir, 'server/src'), { recursive: true });
		writeFileSync(join(dir, 'server/src/main.ts'), 'console.log(1);\n');
		writeFileSync(join(dir, 'package.json'), '{}');
	});
	afterEach(() => rmSync(dir, { recursive: true, force: true }));

	it('keeps the fingerprint for unchanged sources, even with new mtimes (a fresh checkout)', () => {
		const before = fingerprint(dir);
		utimesSync(join(dir, 'server/src/main.ts'), new Date(), new Date(Date.now() + 60_000));
		expect(fingerprint(dir)).toBe(before);
	});

	it('changes it for an edited, added or renamed source, or a changed config', () => {
		const seen = new Set([fingerprint(dir)]);
		writeFileSync(join(dir, 'server/src/main.ts'), 'console.log(2);\n');
		seen.add(fingerprint(dir));
		writeFileSync(join(dir, 'server/src/extra.ts'), '');
		seen.add(fingerprint(dir));
		rmSync(join(dir, 'server/src/extra.ts'));
		writeFileSync(join(dir, 'server/src/other.ts'), '');
		seen.add(fingerprint(dir));
		writeFileSync(join(dir, 'package.json'), '{"name":"x"}');
		seen.add(fingerprint(dir));
		expect(seen.size).toBe(5);
	});
});
