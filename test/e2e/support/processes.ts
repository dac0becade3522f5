/**
 * Process plumbing for the end-to-end harness: free loopback ports, bounded commands, long-running
 * children stopped by their PID (their process group, by its leader's PID), and polling with deadlines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

export interface CommandResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	ms: number;
}

/** Runs a command to completion within `timeoutMs` (then SIGKILLs its process group). Never rejects on exit codes. */
export function runCommand(
	command: string,
	args: string[],
	options: { cwd?: string; env: NodeJS.ProcessEnv; timeoutMs: number; input?: string },
): Promise<CommandResult> {
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		child.stdin.end(options.input ?? '');
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			killGroup(child.pid, 'SIGKILL');
		}, options.timeoutMs);
		child.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			if (timedOut) {
				reject(new Error(`${command} ${args.join(' ')} did not finish within ${options.timeoutMs} ms\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`));
				return;
			}
			resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
		});
	});
}

/** Signals the process group led by `pid` (the children were spawned detached, so they lead their group). */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
	if (!pid) return;
	try {
		process.kill(-pid, signal);
	} catch {
		try {
			process.kill(pid, signal);
		} catch {
			/* already gone */
		}
	}
}

function groupAlive(pid: number): boolean {
	try {
		process.kill(-pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** Resolves with the promise's value, or 'timeout' after `ms` (the timer is cleared either way). */
async function raceTimeout<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
	try {
		return await Promise.race([promise, timeout]);
	} finally {
		clearTimeout(timer);
	}
}

/** SIGTERM, wait up to `graceMs` for the child and its group to go, then SIGKILL the group. */
export async function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
	const pid = child.pid;
	if (!pid) return;
	const exited = child.exitCode !== null || child.signalCode !== null;
	if (!exited) {
		const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
		killGroup(pid, 'SIGTERM');
		if ((await raceTimeout(done, graceMs)) === 'timeout') killGroup(pid, 'SIGKILL');
		await raceTimeout(done, 5000);
	}
	// Leftovers in the group (e.g. n8n's task runner) go too.
	const deadline = Date.now() + 5000;
	while (groupAlive(pid) && Date.now() < deadline) {
		killGroup(pid, 'SIGKILL');
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/** Polls `probe` until it returns a value other than undefined, or throws with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, intervalMs = 250): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let lastError: unknown;
	for (;;) {
		try {
			const value = await probe();
			if (value !== undefined) return value;
		} catch (error) {
			lastError = error;
		}
		if (Date.now() > deadline) {
			throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
		}
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
}

/** Processes started by the harness, killed if the Jest worker exits without stopping them. */
const started = new Set<ChildProcess>();
let exitHook = false;
export function trackProcess(child: ChildProcess): void {
	started.add(child);
	child.once('exit', () => started.delete(child));
	if (!exitHook) {
		exitHook = true;
		process.once('exit', () => {
			for (const c of started) killGroup(c.pid, 'SIGKILL');
		});
	}
}

export { spawn };
