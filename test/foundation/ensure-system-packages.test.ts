import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const SCRIPT = resolve(__dirname, '../../scripts/ensure-system-packages.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the script is plain CommonJS outside the TypeScript project
const { plan, requirementsFor } = require(SCRIPT) as {
	plan: (facts: { missing: string[]; isRoot: boolean; debianLike: boolean; hasAptGet: boolean }) => {
		action: 'none' | 'apt-get' | 'manual';
		commands?: string[][];
		message?: string;
	};
	requirementsFor: (purpose: string) => Array<{ pkg: string; present: () => boolean }>;
};

describe('ensure step', () => {
	it('does nothing when everything is there (idempotent)', () => {
		expect(plan({ missing: [], isRoot: true, debianLike: true, hasAptGet: true })).toEqual({ action: 'none' });
		const run = spawnSync(process.execPath, [SCRIPT, '--for', 'test'], { encoding: 'utf8' });
		expect(run.status).toBe(0);
		expect(run.stdout).not.toMatch(/installing/);
	});

	it('installs the missing packages with apt-get as root on Debian/Ubuntu', () => {
		expect(plan({ missing: ['redis-server', 'postgresql'], isRoot: true, debianLike: true, hasAptGet: true })).toEqual({
			action: 'apt-get',
			commands: [
				['apt-get', 'update'],
				['apt-get', 'install', '-y', '--no-install-recommends', 'redis-server', 'postgresql'],
			],
		});
	});

	it.each([
		['not root', { isRoot: false, debianLike: true, hasAptGet: true }],
		['not Debian', { isRoot: true, debianLike: false, hasAptGet: false }],
	])('names the exact package to install when %s', (_case, facts) => {
		const decision = plan({ missing: ['redis-server'], ...facts });
		expect(decision.action).toBe('manual');
		expect(decision.message).toContain('apt-get install redis-server');
		expect(decision.message).toContain('brew install redis');
	});

	it('asks only for Redis to start the product, and for PostgreSQL and a compiler too to test it', () => {
		expect(requirementsFor('start').map((r) => r.pkg)).toEqual(['redis-server']);
		expect(requirementsFor('test').map((r) => r.pkg)).toEqual(
			expect.arrayContaining(['redis-server', 'postgresql', 'build-essential', 'python3']),
		);
	});

	it("asks for Debian's Chromium and the emoji font for the web app's browser tests, never a browser download", () => {
		expect(requirementsFor('test').map((r) => r.pkg)).toEqual(expect.arrayContaining(['chromium', 'fonts-noto-color-emoji']));
		expect(requirementsFor('start').map((r) => r.pkg)).not.toContain('chromium');
		const decision = plan({ missing: ['chromium', 'fonts-noto-color-emoji'], isRoot: false, debianLike: true, hasAptGet: true });
		expect(decision.message).toContain('apt-get install chromium fonts-noto-color-emoji');
	});
});
