/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error */
import { Pool, type PoolClient, type PoolConfig } from 'pg';
import type { Db, QueryResult, Tx } from './db';

export function createPgDb(connectionString: string, options: PoolConfig = {}): Db {
	const pool = new Pool({ connectionString, max: 20, idleTimeoutMillis: 30_000, ...options });
	// An idle client losing its connection must not crash the server; the pool replaces it.
	pool.on('error', () => undefined);

	const viaClient = (client: PoolClient): Tx => ({
		async query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
			const result = await client.query(sql, params as unknown[]);
			return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
		},
		async exec(sql: string): Promise<void> {
			await client.query(sql);
		},
	});

	return {
		driver: 'pg',
		async query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
			const result = await pool.query(sql, params as unknown[]);
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
