import { createHash } from 'node:crypto';
import { Pool, type PoolClient, type PoolConfig, type QueryConfig } from 'pg';
import type { Db, QueryOptions, QueryResult, Tx } from './db';
import { sanitiseDbError, withSanitisedErrors } from './db-error';
import { isDbUnavailableError } from './retryable-error';

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
	// connectionTimeoutMillis: with the database gone, a request fails in seconds (503, retried) instead of waiting forever.
	const pool = new Pool({ connectionString, max: 20, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 10_000, ...poolOptions });
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
			const result = await withSanitisedErrors(client.query(statement(sql, params, queryOptions), params as unknown[]));
			return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
		},
		async exec(sql: string): Promise<void> {
			await withSanitisedErrors(client.query(sql));
		},
	});

	return {
		driver: 'pg',
		async query<T>(sql: string, params?: unknown[], queryOptions?: QueryOptions): Promise<QueryResult<T>> {
			const result = await withSanitisedErrors(pool.query(statement(sql, params, queryOptions), params as unknown[]));
			return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
		},
		async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
			const client = await pool.connect();
			// The connection dying while checked out is reported here too; the failing query already rejects with it.
			const ignore = () => undefined;
			client.on('error', ignore);
			let value: T;
			try {
				await client.query('BEGIN');
				value = await fn(viaClient(client));
				await client.query('COMMIT');
			} catch (error) {
				// A connection lost mid-transaction: PostgreSQL rolls back by itself; this client is dead, so it is
				// destroyed (release with an error) rather than handed to the next caller. The caller sees the error
				// (sanitised), which isDbUnavailableError still recognises as worth retrying later.
				let broken = isDbUnavailableError(error);
				await client.query('ROLLBACK').catch(() => {
					broken = true;
				});
				client.off('error', ignore);
				client.release(broken ? (error instanceof Error ? error : new Error(String(error))) : undefined);
				// Without the statement's parameters; sanitiseDbError keeps code and message, and passes driver/socket
				// errors (ECONNREFUSED, "Connection terminated") through unchanged.
				throw sanitiseDbError(error);
			}
			client.off('error', ignore);
			client.release();
			return value;
		},
		async exec(sql: string): Promise<void> {
			await withSanitisedErrors(pool.query(sql));
		},
		async close(): Promise<void> {
			await pool.end();
		},
	};
}
