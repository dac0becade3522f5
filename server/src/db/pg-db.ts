import { createHash } from 'node:crypto';
import { Pool, type PoolClient, type PoolConfig, type QueryConfig } from 'pg';
import type { Db, QueryOptions, QueryResult, Tx } from './db';

export interface PgDbOptions extends PoolConfig {
	/**
	 * Prepare the statements callers mark as hot (QueryOptions.prepare). On by default; off behind a pooler in
	 * transaction mode (PgBouncer, Supabase's pooler on port 6543), which cannot keep a statement on one connection.
	 */
	preparedStatements?: boolean;
}

/** Whether a connection string goes through a pooler in transaction mode, by the conventions Supabase documents. */
export function isTransactionPooler(connectionString: string): boolean {
	try {
		const url = new URL(connectionString);
		return url.searchParams.get('pgbouncer') === 'true' || (url.hostname.endsWith('.pooler.supabase.com') && url.port === '6543');
	} catch {
		return false;
	}
}

export function createPgDb(connectionString: string, options: PgDbOptions = {}): Db {
	const { preparedStatements = !isTransactionPooler(connectionString), ...poolOptions } = options;
	const pool = new Pool({ connectionString, max: 20, idleTimeoutMillis: 30_000, ...poolOptions });
	// An idle client losing its connection must not crash the server; the pool replaces it.
	pool.on('error', () => undefined);

	const names = new Map<string, string>();
	const statement = (sql: string, params: unknown[] | undefined, queryOptions: QueryOptions | undefined): QueryConfig | string => {
		if (!preparedStatements || !queryOptions?.prepare || !params?.length) return sql;
		let name = names.get(sql);
		if (!name) {
			name = `s_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
			names.set(sql, name);
		}
		return { name, text: sql };
	};

	const viaClient = (client: PoolClient): Tx => ({
		async query<T>(sql: string, params?: unknown[], queryOptions?: QueryOptions): Promise<QueryResult<T>> {
			const result = await client.query(statement(sql, params, queryOptions), params as unknown[]);
			return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
		},
		async exec(sql: string): Promise<void> {
			await client.query(sql);
		},
	});

	return {
		driver: 'pg',
		async query<T>(sql: string, params?: unknown[], queryOptions?: QueryOptions): Promise<QueryResult<T>> {
			const result = await pool.query(statement(sql, params, queryOptions), params as unknown[]);
			return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
		},
		async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
			const client = await pool.connect();
			try {
				await client.query('BEGIN');
				const value = await fn(viaClient(client));
				await client.query('COMMIT');
				return value;
			} catch (error) {
				await client.query('ROLLBACK').catch(() => undefined);
				throw error;
			} finally {
				client.release();
			}
		},
		async exec(sql: string): Promise<void> {
			await pool.query(sql);
		},
		async close(): Promise<void> {
			await pool.end();
		},
	};
}
