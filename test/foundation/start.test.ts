import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findFreePort } from '../../server/src/infra/free-port';
import { createTestDatabase, testRedisUrl } from '../support/test-database';

const MAIN = resolve(__dirname, '../../dist/server/src/main.js');
const PHONE = resolve(__dirname, '../../dist/server/sandbox/phone-cli.js');

/** `npm run phone -- <args>` as a newcomer runs it beside `npm start`: the built CLI, DATA_DIR as the server had it. */
function phone(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
	return new Promise((resolveRun) => {
		const child = spawn(process.execPath, [PHONE, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
		child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
		child.once('exit', (code) => resolveRun({ code, output }));
	});
}

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
	// Generous: a fresh PGlite, a private Redis and the sandbox take long on a loaded machine (not a speed check).
	const deadline = Date.now() + 150_000;
	while (!/Server:\s+(http:\/\/\S+)/.test(output)) {
		if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}):\n${output}`);
		if (Date.now() > deadline) {
			child.kill('SIGKILL');
			throw new Error(`server did not start within 150 s:\n${output}`);
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

	it('lets a newcomer without a phone connect the sandbox number and receive a customer (npm run phone)', async () => {
		const server = await startServer({ PORT: '0', DATA_DIR: dataDir });
		try {
			expect(server.output()).toContain('npm run phone -- scan');
			const api = async (method: string, path: string, token?: string, body?: unknown) => {
				const response = await fetch(server.baseUrl + path, {
					method,
					headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
					body: body ? JSON.stringify(body) : undefined,
				});
				return { status: response.status, body: (await response.json()) as any };
			};
			const registered = await api('POST', '/api/v1/auth/register', undefined, { workspaceName: 'Loja', name: 'Ana', email: 'ana@loja.test', password: 'a long enough password' });
			expect(registered.status).toBe(201);
			const token = registered.body.token as string;
			// Canais → Adicionar número, as the page does it: a new instance in the sandbox, waiting for its QR to be read.
			const created = await api('POST', '/api/v1/channels', token, { name: 'Vendas', instanceName: 'inbox-newcomer' });
			expect(created.status).toBe(201);
			const channelId = created.body.channel.id as string;

			const scanned = await phone(['scan'], { DATA_DIR: dataDir });
			expect(scanned).toMatchObject({ code: 0, output: expect.stringContaining('QR read by +5511999991234') });
			const until = async <T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> => {
				const deadline = Date.now() + 60_000;
				for (;;) {
					const value = await read();
					if (done(value) || Date.now() > deadline) return value;
					await new Promise((r) => setTimeout(r, 200));
				}
			};
			const channel = await until(() => api('GET', `/api/v1/channels/${channelId}`, token), (c) => c.body.status === 'connected');
			expect(channel.body).toMatchObject({ status: 'connected', phoneE164: '+5511999991234' });

			const said = await phone(['say', 'Oi! Vocês', 'abrem sábado?', '--name', 'Maria Cliente'], { DATA_DIR: dataDir });
			expect(said).toMatchObject({ code: 0, output: expect.stringContaining('+5511988887777 wrote to') });
			const list = await until(() => api('GET', '/api/v1/conversations', token), (l) => l.body.data.length === 1);
			expect(list.body.data[0]).toMatchObject({ contact: { pushName: 'Maria Cliente', phoneE164: '+5511988887777' }, lastMessagePreview: 'Oi! Vocês abrem sábado?', unreadCount: 1 });

			// Nothing left to scan, and a wrong key: each said plainly, with a failing exit code.
			expect(await phone(['scan'], { DATA_DIR: dataDir })).toMatchObject({ code: 1, output: expect.stringContaining('No number is waiting for its QR') });
			expect(await phone(['list'], { DATA_DIR: dataDir, SANDBOX_API_KEY: 'wrong' })).toMatchObject({ code: 1, output: expect.stringContaining('SANDBOX_API_KEY') });
		} finally {
			await stop(server.child, 'SIGTERM');
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

	it('rejects an EVOLUTION_BASE_URL or PUBLIC_URL that is not http(s), naming the variable', async () => {
		const evolution = await runToExit({ PORT: '0', DATA_DIR: dataDir, EVOLUTION_BASE_URL: 'localhost:8080' });
		expect(evolution.code).toBe(1);
		expect(evolution.output).toMatch(/EVOLUTION_BASE_URL: must start with http:\/\/ or https:\/\//);
		const publicUrl = await runToExit({ PORT: '0', DATA_DIR: dataDir, PUBLIC_URL: 'ftp://inbox.example.com' });
		expect(publicUrl.output).toMatch(/PUBLIC_URL: must start with http:\/\/ or https:\/\//);
	});

	it('names DATABASE_URL and what to do when the database is unreachable (no stack, no password)', async () => {
		const closedPort = await findFreePort();
		const result = await runToExit({ PORT: '0', DATA_DIR: dataDir, DATABASE_URL: `postgres://inbox:s3cret-pw@127.0.0.1:${closedPort}/inbox` });
		expect(result.code).toBe(1);
		expect(result.output).toContain(`Cannot start: DATABASE_URL: cannot use the PostgreSQL database at postgres://127.0.0.1:${closedPort}/inbox: nothing listens there`);
		expect(result.output).toContain('What to do:');
		expect(result.output).not.toContain('s3cret-pw');
		expect(result.output).not.toMatch(/^\s+at /m);
	});

	it('names PORT at once when the port is taken, before starting anything', async () => {
		const blocker = createServer();
		await new Promise<void>((resolveListen) => blocker.listen(0, '127.0.0.1', () => resolveListen()));
		const port = (blocker.address() as { port: number }).port;
		try {
			const result = await runToExit({ PORT: String(port), DATA_DIR: dataDir });
			expect(result.code).toBe(1);
			expect(result.output).toContain(`Cannot start: PORT: port ${port} on 127.0.0.1 is already in use`);
			expect(result.output).toContain(`PORT=${port + 1} npm start`);
			expect(result.output).not.toMatch(/^\s+at /m);
			// Nothing was started: no database was created under DATA_DIR.
			expect(existsSync(join(dataDir, 'pglite'))).toBe(false);
		} finally {
			blocker.close();
		}
	});

	it('prints every URL a person needs and never the sandbox key', async () => {
		const server = await startServer({ PORT: '0', DATA_DIR: dataDir, SANDBOX_API_KEY: 'banner-secret-key-42' });
		try {
			const output = server.output();
			expect(output).toContain(`Inbox:         ${server.baseUrl}/`);
			expect(output).toContain(`API docs:      ${server.baseUrl}/docs`);
			expect(output).toContain(`Metrics:       ${server.baseUrl}/metrics`);
			expect(output).toContain(`Realtime:      ${server.baseUrl.replace('http', 'ws')}/realtime`);
			expect(output).toContain(`Health:        ${server.baseUrl}/health`);
			expect(output).toContain(`${server.baseUrl}/webhooks/evolution/<channel id>`);
			expect(output).not.toContain('banner-secret-key-42');
			expect((await fetch(`${server.baseUrl}/docs`)).status).toBe(200);
		} finally {
			await stop(server.child, 'SIGTERM');
		}
	});

	it('after a restart the demo channel still works: same sandbox address, same instance, state re-checked', async () => {
		const apikey = { apikey: 'restart-key', 'content-type': 'application/json' };
		const env = { PORT: '0', DATA_DIR: dataDir, SANDBOX_API_KEY: 'restart-key' };
		let server = await startServer(env);
		const sandboxUrl = /sandbox at (http:\/\/\S+)/.exec(server.output())![1];
		let authorization = '';
		let channelId = '';
		try {
			const registered = (await (
				await fetch(`${server.baseUrl}/api/v1/auth/register`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ workspaceName: 'Demo', name: 'Ana', email: 'ana@example.com', password: 'correct horse battery staple' }),
				})
			).json()) as { token: string };
			authorization = `Bearer ${registered.token}`;
			const created = await fetch(`${server.baseUrl}/api/v1/channels`, {
				method: 'POST',
				headers: { authorization, 'content-type': 'application/json' },
				body: JSON.stringify({ name: 'Demo', instanceName: 'demo' }),
			});
			expect(created.status).toBe(201);
			channelId = ((await created.json()) as { channel: { id: string } }).channel.id;
			expect((await fetch(`${sandboxUrl}/_sandbox/instances/demo/scan`, { method: 'POST', headers: apikey, body: '{}' })).status).toBe(200);
			await until(async () => (await channel(server.baseUrl, authorization, channelId)).status === 'connected');
			expect(await stop(server.child, 'SIGINT')).toBe(0);

			server = await startServer(env);
			expect(/sandbox at (http:\/\/\S+)/.exec(server.output())![1]).toBe(sandboxUrl);
			const state = await (await fetch(`${sandboxUrl}/instance/connectionState/demo`, { headers: apikey })).json();
			expect(state).toEqual({ instance: { instanceName: 'demo', state: 'open' } });
			expect((await channel(server.baseUrl, authorization, channelId)).status).toBe('connected');
			expect(await stop(server.child, 'SIGINT')).toBe(0);

			// The sandbox forgot the instance (its state removed): the channel must not go on saying connected.
			rmSync(join(dataDir, 'sandbox', 'state.json'));
			server = await startServer(env);
			await until(async () => (await channel(server.baseUrl, authorization, channelId)).status === 'error');
			expect(await channel(server.baseUrl, authorization, channelId)).toMatchObject({ status: 'error', statusReason: 'instance_missing' });
		} finally {
			await stop(server.child, 'SIGTERM');
		}
		// Three starts of the whole server: more than one test's usual 180 s on a loaded machine.
	}, 600_000);

	it('after a restart whose old sandbox port is taken, the sandbox moves to a new port and the channel follows it', async () => {
		const apikey = { apikey: 'restart-key', 'content-type': 'application/json' };
		const env = { PORT: '0', DATA_DIR: dataDir, SANDBOX_API_KEY: 'restart-key' };
		let server = await startServer(env);
		const oldUrl = /sandbox at (http:\/\/\S+)/.exec(server.output())![1];
		const blocker = createServer();
		try {
			const registered = (await (
				await fetch(`${server.baseUrl}/api/v1/auth/register`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ workspaceName: 'Demo', name: 'Ana', email: 'ana@example.com', password: 'correct horse battery staple' }),
				})
			).json()) as { token: string };
			const authorization = `Bearer ${registered.token}`;
			const created = await fetch(`${server.baseUrl}/api/v1/channels`, {
				method: 'POST',
				headers: { authorization, 'content-type': 'application/json' },
				body: JSON.stringify({ name: 'Demo', instanceName: 'demo' }),
			});
			expect(created.status).toBe(201);
			const channelId = ((await created.json()) as { channel: { id: string } }).channel.id;
			expect((await fetch(`${oldUrl}/_sandbox/instances/demo/scan`, { method: 'POST', headers: apikey, body: '{}' })).status).toBe(200);
			await until(async () => (await channel(server.baseUrl, authorization, channelId)).status === 'connected');
			expect(await stop(server.child, 'SIGINT')).toBe(0);

			// Another program takes the sandbox's port while the server is stopped.
			await new Promise<void>((resolveListen) => blocker.listen(Number(new URL(oldUrl).port), '127.0.0.1', () => resolveListen()));
			server = await startServer(env);
			const newUrl = /sandbox at (http:\/\/\S+)/.exec(server.output())![1];
			expect(newUrl).not.toBe(oldUrl);
			// The channel points at the sandbox where it is now, and is still connected.
			expect(await channel(server.baseUrl, authorization, channelId)).toMatchObject({ baseUrl: newUrl, status: 'connected' });
			// A call through the channel reaches the sandbox at its new address (at the old one it would answer 502).
			const restarted = await fetch(`${server.baseUrl}/api/v1/channels/${channelId}/restart`, { method: 'POST', headers: { authorization } });
			expect(restarted.status).toBe(200);
			await until(async () => ((await (await fetch(`${newUrl}/instance/connectionState/demo`, { headers: apikey })).json()) as { instance?: { state?: string } }).instance?.state === 'open');
			const log = (await (await fetch(`${server.baseUrl}/api/v1/channels/${channelId}/log`, { headers: { authorization } })).json()) as { data: Array<{ message: string }> };
			expect(log.data.map((line) => line.message)).toContain(`The embedded sandbox moved from ${oldUrl} to ${newUrl} (its port was taken at start); the channel follows it`);
		} finally {
			blocker.close();
			await stop(server.child, 'SIGTERM');
		}
		// Two starts of the whole server.
	}, 400_000);
});

async function channel(baseUrl: string, authorization: string, channelId: string): Promise<{ status: string; statusReason: string; baseUrl: string }> {
	return (await (await fetch(`${baseUrl}/api/v1/channels/${channelId}`, { headers: { authorization } })).json()) as { status: string; statusReason: string; baseUrl: string };
}

async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise((r) => setTimeout(r, 200));
	}
}

/** Runs the built server expecting it to stop by itself (a start-up failure): its exit code and everything it printed. */
async function runToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
	const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
	child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
	const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
	const code = await new Promise<number | null>((resolveExit) => child.once('exit', (c) => resolveExit(c)));
	clearTimeout(timer);
	return { code, output };
}
