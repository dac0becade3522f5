import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findFreePort } from '../../server/src/infra/free-port';
import { createTestDatabase, testRedisUrl } from '../support/test-database';

const MAIN = resolve(__dirname, '../../dist/server/src/main.js');

interface Started {
	child: ChildProcess;
	output: () => string;
	baseUrl: string;
}

/** Starts the built server as `npm start` does and waits for its banner. */
async function startServer(env: Record<string, string>): Promise<Started> {
	if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npx gulp build\` (npm test does) before these tests`);
	const child = spawn(process.execPath, [MAIN], {
		env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
	child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
	const deadline = Date.now() + 45_000;
	while (!/Server:\s+(http:\/\/\S+)/.test(output)) {
		if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}):\n${output}`);
		if (Date.now() > deadline) {
			child.kill('SIGKILL');
			throw new Error(`server did not start within 45 s:\n${output}`);
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	return { child, output: () => output, baseUrl: /Server:\s+(http:\/\/\S+)/.exec(output)![1] };
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
	return new Promise((resolveExit) => {
		if (child.exitCode !== null) return resolveExit(child.exitCode);
		const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
		child.once('exit', (code) => {
			clearTimeout(timer);
			resolveExit(code);
		});
		child.kill(signal);
	});
}

function portAnswers(url: string): Promise<boolean> {
	const { hostname, port } = new URL(url);
	return new Promise((resolveAnswer) => {
		const socket = connect(Number(port), hostname);
		socket.once('connect', () => {
			socket.destroy();
			resolveAnswer(true);
		});
		socket.once('error', () => resolveAnswer(false));
	});
}

describe('npm start (the built server on its embedded defaults)', () => {
	let dataDir: string;
	beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'inbox-start-'))));
	afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

	it('starts PGlite, a private Redis and the sandbox, reports all three healthy, and leaves nothing behind on Ctrl-C', async () => {
		const port = await findFreePort();
		const server = await startServer({ PORT: String(port), DATA_DIR: dataDir });
		try {
			expect(server.baseUrl).toBe(`http://127.0.0.1:${port}`);
			const sandboxUrl = /sandbox at (http:\/\/\S+)/.exec(server.output())![1];
			const redisUrl = /private redis-server at (redis:\/\/\S+)/.exec(server.output())![1];
			expect(server.output()).toContain(`Sandbox control API: ${sandboxUrl}/_sandbox`);

			const response = await fetch(`${server.baseUrl}/health`);
			const health = await response.json();
			expect(response.status).toBe(200);
			expect(health).toMatchObject({
				status: 'ok',
				postgres: { status: 'up', driver: 'pglite' },
				redis: { status: 'up', mode: 'private' },
				evolution: { status: 'up', url: sandboxUrl, sandbox: true, version: '2.3.7' },
			});
			expect(existsSync(join(dataDir, 'pglite'))).toBe(true);
			expect(existsSync(join(dataDir, 'integrations.key'))).toBe(true);

			expect(await stop(server.child, 'SIGINT')).toBe(0);
			expect(await portAnswers(redisUrl)).toBe(false);
			expect(await portAnswers(sandboxUrl)).toBe(false);
			expect(await portAnswers(server.baseUrl)).toBe(false);
		} finally {
			server.child.kill('SIGKILL');
		}
	});

	it('uses DATABASE_URL and REDIS_URL when given', async () => {
		const server = await startServer({
			PORT: '0',
			DATA_DIR: dataDir,
			DATABASE_URL: await createTestDatabase('start'),
			REDIS_URL: testRedisUrl(),
		});
		try {
			const health = await (await fetch(`${server.baseUrl}/health`)).json();
			expect(health).toMatchObject({ status: 'ok', postgres: { driver: 'pg' }, redis: { mode: 'external' } });
			expect(await stop(server.child, 'SIGTERM')).toBe(0);
		} finally {
			server.child.kill('SIGKILL');
		}
	});

	it('answers 503 and names the part that is down', async () => {
		const closedPort = await findFreePort();
		const server = await startServer({
			PORT: '0',
			DATA_DIR: dataDir,
			EVOLUTION_BASE_URL: `http://127.0.0.1:${closedPort}`,
		});
		try {
			const response = await fetch(`${server.baseUrl}/health`);
			expect(response.status).toBe(503);
			expect(await response.json()).toMatchObject({
				status: 'degraded',
				postgres: { status: 'up' },
				redis: { status: 'up' },
				evolution: { status: 'down' },
			});
		} finally {
			await stop(server.child, 'SIGTERM');
		}
	});

	it('refuses to start with an invalid configuration and says why', async () => {
		await expect(startServer({ PORT: 'eighty', DATA_DIR: dataDir })).rejects.toThrow(/PORT/);
	});
});
