import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopChild, trackChild } from './child-process';
import { findFreePort } from './free-port';
import { redisServerBinary } from './system-binaries';

export interface PrivateRedis {
	url: string;
	port: number;
	pid: number;
	stop(): Promise<void>;
}

/** Starts a throw-away redis-server on a free loopback port (no persistence) and waits until it answers PING. */
export async function startPrivateRedis(options: { port?: number } = {}): Promise<PrivateRedis> {
	const binary = redisServerBinary();
	const port = options.port ?? (await findFreePort());
	const dir = mkdtempSync(join(tmpdir(), 'private-redis-'));
	const child = spawn(
		binary,
		['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning'],
		{ stdio: ['ignore', 'ignore', 'pipe'] },
	);
	trackChild(child);
	let stderr = '';
	child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

	const stop = async () => {
		await stopChild(child);
		rmSync(dir, { recursive: true, force: true });
	};
	try {
		await waitForPong(port, child, () => stderr);
	} catch (error) {
		await stop();
		throw error;
	}
	return { url: `redis://127.0.0.1:${port}`, port, pid: child.pid ?? -1, stop };
}

async function waitForPong(port: number, child: { exitCode: number | null }, stderr: () => string): Promise<void> {
	const deadline = Date.now() + 10_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${stderr()}`);
		if (await ping(port)) return;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error(`redis-server did not answer on port ${port} within 10 s: ${stderr()}`);
}

function ping(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = connect(port, '127.0.0.1');
		socket.setTimeout(500);
		socket.once('connect', () => socket.write('PING\r\n'));
		socket.once('data', (data) => {
			socket.destroy();
			resolve(data.toString().startsWith('+PONG'));
		});
		socket.once('error', () => resolve(false));
		socket.once('timeout', () => {
			socket.destroy();
			resolve(false);
		});
	});
}
