import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Db, QueryResult, Tx } from './db';
import { withSanitisedErrors } from './db-error';

/** Embedded PostgreSQL (WASM). `dataDir` undefined keeps everything in memory (tests). */
export async function createPgliteDb(dataDir?: string): Promise<Db> {
	const pglite = dataDir ? new PGlite(dataDir) : new PGlite();
	await pglite.waitReady;

	const run = async <T>(target: PGlite | Transaction, sql: string, params?: unknown[]): Promise<QueryResult<T>> => {
		const result = await withSanitisedErrors(target.query<T>(sql, params as unknown[]));
		return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
	};

	return {
		driver: 'pglite',
		query: <T>(sql: string, params?: unknown[]) => run<T>(pglite, sql, params),
		transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
			return withSanitisedErrors(pglite.transaction((tx) =>
				fn({
					query: <R>(sql: string, params?: unknown[]) => run<R>(tx, sql, params),
					exec: async (sql: string) => {
						await withSanitisedErrors(tx.exec(sql));
					},
				}),
			));
		},
		async exec(sql: string): Promise<void> {
			await withSanitisedErrors(pglite.exec(sql));
		},
		async close(): Promise<void> {
			await pglite.close();
		},
	};
}
