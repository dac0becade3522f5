import { execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { stopChild, trackChild } from './child-process';
import { findFreePort } from './free-port';
import { postgresBinDir } from './system-binaries';

export interface PrivatePostgres {
	/** URL of the `postgres` database; make more with createDatabase(). */
	url: string;
	port: number;
	pid: number;
	createDatabase(name: string): Promise<string>;
	/**
	 * For fault tests: shuts the server down (fast shutdown: connections are cut, committed data kept) until resume()
	 * starts it again on the same port and data. Clients see refused connections meanwhile, as with a database restart.
	 */
	halt(): Promise<void>;
	resume(): Promise<void>;
	stop(): Promise<void>;
}

export interface PrivatePostgresOptions {
	/** Keep fsync and full page writes on: benchmarks measure what production would see. Tests turn them off. */
	durable?: boolean;
}

/**
 * Runs initdb into a temporary folder and starts a PostgreSQL server from the machine's own binaries on a free
 * loopback port. PostgreSQL refuses to run as root, so as root it runs as the `postgres` system user.
 */
export async function startPrivatePostgres(options: PrivatePostgresOptions = {}): Promise<PrivatePostgres> {
	const bin = postgresBinDir();
	const port = await findFreePort();
	const dir = mkdtempSync(join(tmpdir(), 'private-pg-'));
	// As root, run initdb and postgres directly as the `postgres` user (spawn's uid/gid): no wrapper process in
	// between, so stop signals reach the postmaster itself.
	const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	const identity: { uid?: number; gid?: number } = asRoot ? postgresUserIdentity() : {};
	if (asRoot) chownSync(dir, identity.uid!, identity.gid!);

	execFileSync(join(bin, 'initdb'), ['-D', dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--locale=C'], {
		stdio: 'pipe',
		...identity,
	});

	const settings = [
		'-c', 'listen_addresses=127.0.0.1',
		'-c', `unix_socket_directories=${dir}`,
		'-c', 'max_connections=200',
		'-c', 'shared_buffers=256MB',
		...(options.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
	];
	let stderr = '';
	const launch = () => {
		const started = spawn(join(bin, 'postgres'), ['-D', dir, '-p', String(port), ...settings], {
			stdio: ['ignore', 'ignore', 'pipe'],
			...identity,
		});
		trackChild(started);
		started.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
		return started;
	};
	let child = launch();

	const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
	const stop = async () => {
		// SIGINT is PostgreSQL's "fast shutdown".
		await stopChild(child, 'SIGINT', 10_000);
		rmSync(dir, { recursive: true, force: true });
	};
	try {
		await waitUntilAccepting(url, child, () => stderr);
	} catch (error) {
		await stop();
		throw error;
	}

	return {
		url,
		port,
		pid: child.pid ?? -1,
		stop,
		async halt() {
			await stopChild(child, 'SIGINT', 10_000);
		},
		async resume() {
			if (child.exitCode === null && child.signalCode === null) return;
			child = launch();
			await waitUntilAccepting(url, child, () => stderr);
		},
		async createDatabase(name: string) {
			if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid database name: ${name}`);
			const client = new Client({ connectionString: url });
			await client.connect();
			try {
				await client.query(`CREATE DATABASE ${name}`);
			} finally {
				await client.end();
			}
			return `postgres://postgres@127.0.0.1:${port}/${name}`;
		},
	};
}

async function waitUntilAccepting(url: string, child: { exitCode: number | null }, stderr: () => string): Promise<void> {
	const deadline = Date.now() + 30_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`postgres exited (${child.exitCode}): ${stderr()}`);
		const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
		try {
			await client.connect();
			await client.query('SELECT 1');
			await client.end();
			return;
		} catch {
			await client.end().catch(() => undefined);
			await new Promise((r) => setTimeout(r, 100));
		}
	}
	throw new Error(`postgres did not accept connections within 30 s: ${stderr()}`);
}

function postgresUserIdentity(): { uid: number; gid: number } {
	try {
		const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
		const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
		return { uid, gid };
	} catch {
		throw new Error('PostgreSQL will not run as root and there is no `postgres` system user: install the `postgresql` package.');
	}
}
