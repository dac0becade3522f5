import type { ChildProcess } from 'node:child_process';

const children = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Remembers a service process this process started, so that it is killed when we exit for any reason
 * (normal exit, uncaught error, Ctrl-C): private Redis and Postgres must never outlive the server or the tests.
 */
export function trackChild(child: ChildProcess): void {
	children.add(child);
	child.once('exit', () => children.delete(child));
	if (!exitHookInstalled) {
		exitHookInstalled = true;
		process.once('exit', () => {
			for (const c of children) c.kill('SIGKILL');
		});
	}
}

/** Sends `signal`, then SIGKILL if the process has not exited within `graceMs`. */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
	return new Promise((resolve) => {
		const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
		child.once('exit', () => {
			clearTimeout(timer);
			resolve();
		});
		child.kill(signal);
	});
}
