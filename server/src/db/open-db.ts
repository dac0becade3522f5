/* eslint-disable @n8n/community-nodes/no-restricted-imports */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './db';
import { createPgDb } from './pg-db';
import { createPgliteDb } from './pglite-db';

/** PostgreSQL at `databaseUrl` when given, otherwise embedded PGlite under `<dataDir>/pglite`. */
export async function openDb(options: { databaseUrl?: string; dataDir: string }): Promise<Db> {
	if (options.databaseUrl) return createPgDb(options.databaseUrl);
	const dir = join(options.dataDir, 'pglite');
	mkdirSync(dir, { recursive: true });
	return createPgliteDb(dir);
}
