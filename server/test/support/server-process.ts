import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findFreePort } from '../../src/infra/free-port';

const MAIN = resolve(__dirname, '../../../dist/server/src/main.js');
// Generous: on a loaded 2-core machine a start (migrations, Redis, BullMQ) can take long; not a speed check.
const START_TIMEOUT_MS = 120_000;

/** The built server (`node dist/server/src/main.js`) running as a child process, as replicas and restarts need it. */
export interface ServerProcess {
	process: ChildProcess;
	/** http://127.0.0.1:port */
	url: string;
	port: number;
	/** The last 20,000 characters it printed (stdout and stderr), for failure messages. */
	output(): string;
	/** SIGTERM (a clean stop) or SIGKILL (kill -9); resolves once it exited. Its temporary DATA_DIR is removed. */
	stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

/**
 * Starts the server with `env` on top of a minimal environment (PATH, HOME, LOG_LEVEL=warn, a fresh temporary
 * DATA_DIR, PORT: the one given or a free one) and waits for its banner. Tests pass DATABASE_URL, REDIS_URL,
 * EVOLUTION_BASE_URL and their time scales in `env`.
 */
export async function startServerProcess(env: Record<string, string>, options: { port?: number } = {}): Promise<ServerProcess> {
	if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npx gulp build\` first (npm test and npm run test:reliability do)`);
	const port = options.port ?? (await findFreePort());
	const dataDir = mkdtempSync(join(tmpdir(), 'server-process-'));
	const child = spawn(process.execPath, [MAIN], {
		env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', PORT: String(port), DATA_DIR: dataDir, ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	const keep = (d: Buffer) => (output = (output + d.toString()).slice(-20_000));
	child.stdout?.on('data', keep);
	child.stderr?.on('data', keep);
	const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
	const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') => {
		if (child.exitCode === null && child.signalCode === null) {
			child.kill(signal);
			// A clean stop that hangs is not this helper's to judge: it ends the process so the run can go on.
			const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
			await exited;
			clearTimeout(timer);
		}
		rmSync(dataDir, { recursive: true, force: true });
	};
	const deadline = Date.now() + START_TIMEOUT_MS;
	while (!/Server:\s+http/.test(output)) {
		if (child.exitCode !== null || child.signalCode !== null) {
			await stop();
			throw new Error(`server exited early (${child.exitCode ?? child.signalCode}):\n${output}`);
		}
		if (Date.now() > deadline) {
			await stop('SIGKILL');
			throw new Error(`server did not start within ${START_TIMEOUT_MS / 1000} s:\n${output}`);
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	return { process: child, url: `http://127.0.0.1:${port}`, port, output: () => output, stop };
}
