import { createServer } from 'node:net';

/**
 * A start-up failure a person can act on: which setting is involved, what went wrong in one line, and what to do.
 * main.ts prints these three lines instead of a stack (the stack is still there at LOG_LEVEL=debug).
 */
export class StartupError extends Error {
	constructor(
		readonly variable: string,
		readonly problem: string,
		readonly hint: string,
		readonly cause?: unknown,
	) {
		super(`${variable}: ${problem}`);
		this.name = 'StartupError';
	}

	render(): string {
		return `Cannot start: ${this.variable}: ${this.problem}\n  What to do: ${this.hint}`;
	}
}

/** The socket-level reason of a connection failure (ECONNREFUSED, ENOTFOUND…), also inside AggregateErrors. */
export function networkCode(error: unknown): string | undefined {
	const e = error as { code?: unknown; errors?: unknown[]; cause?: unknown };
	if (typeof e?.code === 'string') return e.code;
	for (const inner of e?.errors ?? []) {
		const code = networkCode(inner);
		if (code) return code;
	}
	return e?.cause ? networkCode(e.cause) : undefined;
}

/** Where a URL points, without its credentials (they never reach the terminal or a log). */
export function safeTarget(url: string): string {
	try {
		const parsed = new URL(url);
		return `${parsed.protocol}//${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}${parsed.pathname.length > 1 ? parsed.pathname : ''}`;
	} catch {
		return 'an unparsable URL';
	}
}

const PG_REASONS: Record<string, string> = {
	ECONNREFUSED: 'nothing listens there (connection refused)',
	ENOTFOUND: 'the host name does not resolve',
	EAI_AGAIN: 'the host name does not resolve (DNS not answering)',
	ETIMEDOUT: 'the connection timed out',
	EHOSTUNREACH: 'the host is unreachable',
	'28P01': 'the password was refused',
	'28000': 'the user is not allowed to connect',
	'3D000': 'the database does not exist',
};

export function databaseStartupError(databaseUrl: string | undefined, error: unknown): StartupError {
	const code = networkCode(error);
	const message = (error as Error)?.message ?? String(error);
	if (!databaseUrl) {
		return new StartupError('DATA_DIR', `could not open the embedded PGlite database (${message})`, 'check that DATA_DIR is writable and not used by another running server, or set DATABASE_URL to a PostgreSQL server.', error);
	}
	const reason = (code && PG_REASONS[code]) ?? message;
	return new StartupError(
		'DATABASE_URL',
		`cannot use the PostgreSQL database at ${safeTarget(databaseUrl)}: ${reason}`,
		'start that PostgreSQL server or correct DATABASE_URL (postgres://user:password@host:5432/dbname); unset DATABASE_URL to use the embedded PGlite database under DATA_DIR.',
		error,
	);
}

export function redisStartupError(redisUrl: string | undefined, error: unknown): StartupError {
	const message = (error as Error)?.message ?? String(error);
	if (!redisUrl) {
		return new StartupError('REDIS_URL', `could not start the private redis-server (${message})`, 'install redis-server (npm start runs scripts/ensure-system-packages.js for that) or set REDIS_URL to a running Redis.', error);
	}
	const code = networkCode(error);
	return new StartupError(
		'REDIS_URL',
		`cannot reach Redis at ${safeTarget(redisUrl)}: ${(code && PG_REASONS[code]) ?? message}`,
		'start that Redis or correct REDIS_URL (redis://host:6379); unset REDIS_URL to let the server start a private redis-server.',
		error,
	);
}

export function portInUseError(variable: string, host: string, port: number): StartupError {
	return new StartupError(
		variable,
		`port ${port} on ${host} is already in use (another server, or an earlier npm start still running)`,
		`stop the program using it, or choose another port: ${variable}=${port + 1} npm start (${variable}=0 picks a free one).`,
	);
}

/** Fails in milliseconds, before anything else starts, when the port is taken (listen would fail only after the runtime is up). */
export function assertPortFree(variable: string, host: string, port: number): Promise<void> {
	if (port === 0) return Promise.resolve();
	return new Promise((resolve, reject) => {
		const probe = createServer();
		probe.unref();
		probe.once('error', (error: NodeJS.ErrnoException) => {
			if (error.code === 'EADDRINUSE') reject(portInUseError(variable, host, port));
			else if (error.code === 'EACCES') reject(new StartupError(variable, `port ${port} needs privileges this process does not have`, `use a port above 1023, e.g. ${variable}=3000.`, error));
			else if (error.code === 'EADDRNOTAVAIL') reject(new StartupError('HOST', `${host} is not an address of this machine`, 'use 127.0.0.1 (this machine only) or 0.0.0.0 (every interface).', error));
			else reject(error);
		});
		probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
	});
}
