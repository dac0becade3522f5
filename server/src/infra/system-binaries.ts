import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export class MissingBinaryError extends Error {}

/** Full path of an executable on PATH, or undefined. */
export function whichBinary(name: string): string | undefined {
	for (const dir of (process.env.PATH ?? '').split(delimiter)) {
		if (dir && existsSync(join(dir, name))) return join(dir, name);
	}
	return undefined;
}

export function redisServerBinary(): string {
	const found = whichBinary('redis-server');
	if (!found) {
		throw new MissingBinaryError(
			'redis-server is not installed. Run `npm start` (it installs it on Debian/Ubuntu as root) or install the `redis-server` package, or set REDIS_URL.',
		);
	}
	return found;
}

/** The bin folder of the newest PostgreSQL server installed (Debian keeps them under /usr/lib/postgresql/<v>/bin). */
export function postgresBinDir(): string {
	const base = '/usr/lib/postgresql';
	const versions = existsSync(base)
		? readdirSync(base)
				.filter((v) => existsSync(join(base, v, 'bin', 'postgres')))
				.sort((a, b) => Number(b) - Number(a))
		: [];
	if (versions.length > 0) return join(base, versions[0], 'bin');
	const postgres = whichBinary('postgres');
	if (postgres && whichBinary('initdb')) return join(postgres, '..');
	throw new MissingBinaryError('PostgreSQL server binaries are not installed: install the `postgresql` package.');
}
