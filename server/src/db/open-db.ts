import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './db';
import { createPgDb } from './pg-db';
import { createPgliteDb } from './pglite-db';

/** PostgreSQL at `databaseUrl` when given, otherwise embedded PGlite under `<dataDir>/pglite`. */
export async function openDb(options: { databaseUrl?: string; dataDir: string; preparedStatements?: 'auto' | 'on' | 'off' }): Promise<Db> {
	if (options.databaseUrl) {
		const prepared = options.preparedStatements ?? 'auto';
		return createPgDb(options.databaseUrl, prepared === 'auto' ? {} : { preparedStatements: prepared === 'on' });
	}
	const dir = join(options.dataDir, 'pglite');
	mkdirSync(dir, { recursive: true });
	return createPgliteDb(dir);
}
