export interface QueryResult<T> {
	rows: T[];
	rowCount: number;
}

export interface QueryOptions {
	/**
	 * A hot statement whose text never changes: the adapter may prepare it once per connection and reuse the plan,
	 * saving PostgreSQL the parse and plan on every call. Only for fixed texts (each one stays prepared).
	 */
	prepare?: boolean;
}

/** Anything SQL can be sent to: the database itself or an open transaction. */
export interface Queryable {
	query<T = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<QueryResult<T>>;
}

/** An open transaction: queries plus multi-statement scripts. */
export interface Tx extends Queryable {
	exec(sql: string): Promise<void>;
}

/**
 * The Db port: the server talks to PostgreSQL only through this, so the same code and the same SQL run on a real
 * PostgreSQL (`pg` adapter: Supabase, any Postgres ≥ 14) and on embedded PGlite.
 */
export interface Db extends Queryable {
	readonly driver: 'pg' | 'pglite';
	/** Runs `fn` in one transaction: committed if it resolves, rolled back if it throws. */
	transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
	/** Runs a script of several statements without parameters (migrations). */
	exec(sql: string): Promise<void>;
	close(): Promise<void>;
}
