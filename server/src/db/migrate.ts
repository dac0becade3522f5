import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './db';

export const MIGRATIONS_DIR = join(__dirname, 'migrations');

// Any constant works; it only has to be the same for every server process sharing the database.
const MIGRATION_LOCK_ID = 727_001;

/**
 * Applies the plain-SQL migrations in name order, each once and each in its own transaction. On PostgreSQL an
 * advisory lock keeps two replicas starting together from applying the same file twice.
 */
export async function migrate(db: Db, dir = MIGRATIONS_DIR): Promise<string[]> {
	const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.sql')).sort() : [];
	await db.exec(
		'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
	);
	const applied: string[] = [];
	return db.transaction(async (tx) => {
		if (db.driver === 'pg') await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_ID]);
		const done = new Set((await tx.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name));
		for (const file of files) {
			if (done.has(file)) continue;
			await tx.exec(readFileSync(join(dir, file), 'utf8'));
			await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
			applied.push(file);
		}
		return applied;
	});
}
