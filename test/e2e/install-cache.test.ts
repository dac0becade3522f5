import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

import { cacheRoot, ensureN8n, MARKER, N8N_VERSIONS, withLock } from './support/n8n-install';

/** The cache's lock and marker rules, on a scratch cache folder (no installs happen here). */
describe('n8n install cache', () => {
	const previous = process.env.N8N_E2E_CACHE;
	let root: string;

	beforeEach(() => {
		root = mkdtempSync(join(tmpdir(), 'n8n-e2e-cache-test-'));
		process.env.N8N_E2E_CACHE = root;
	});
	afterEach(() => {
		if (previous === undefined) delete process.env.N8N_E2E_CACHE;
		else process.env.N8N_E2E_CACHE = previous;
		rmSync(root, { recursive: true, force: true });
	});

	it('uses $N8N_E2E_CACHE', () => {
		expect(cacheRoot()).toBe(root);
	});

	it('serialises holders of the same lock and releases it when the holder fails', async () => {
		const events: string[] = [];
		const hold = (name: string, fail = false) =>
			withLock('flavour', 60_000, async () => {
				events.push(`${name}:in`);
				await new Promise((resolve) => setTimeout(resolve, 300));
				events.push(`${name}:out`);
				if (fail) throw new Error(`${name} failed`);
				return name;
			});
		const results = await Promise.allSettled([hold('a', true), hold('b')]);
		expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
		// Never two inside at once.
		expect(events).toHaveLength(4);
		expect(events[0].endsWith(':in') && events[1] === events[0].replace(':in', ':out')).toBe(true);
		expect(events[2].endsWith(':in') && events[3] === events[2].replace(':in', ':out')).toBe(true);
	});

	it('takes over a lock left by a process that died', async () => {
		const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
		const deadPid = Number(dead.stdout.trim());
		mkdirSync(join(root, 'flavour.lock'));
		writeFileSync(join(root, 'flavour.lock', 'owner.json'), JSON.stringify({ pid: deadPid, host: hostname(), since: Date.now() }));
		const started = Date.now();
		await expect(withLock('flavour', 10_000, async () => 'mine')).resolves.toBe('mine');
		expect(Date.now() - started).toBeLessThan(5_000);
	});

	it('trusts a complete install (its marker) without touching npm', async () => {
		const dir = join(root, 'n8n1');
		mkdirSync(dir, { recursive: true });
		writeFileSync(join(dir, MARKER), JSON.stringify({ version: N8N_VERSIONS.n8n1, nodeVersion: process.version, completedAt: new Date().toISOString() }));
		const started = Date.now();
		const install = await ensureN8n('n8n1');
		expect(Date.now() - started).toBeLessThan(2_000);
		expect(install).toMatchObject({ flavor: 'n8n1', version: '1.123.50', dir, nodeBin: process.execPath });
		expect(install.n8nBin).toBe(join(dir, 'node_modules', 'n8n', 'bin', 'n8n'));
	});
});
