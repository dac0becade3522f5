/**
 * What leaves the Db adapters when PostgreSQL (or PGlite) refuses a statement: the SQLSTATE code, the message, and
 * which constraint/table/column, never the statement's parameters. PGlite's errors carry `query` and `params` (a
 * failed ingest batch once logged 1.85 MB of webhook bodies, API keys and message texts in one line) and `detail`
 * quotes the offending values, so an error is rebuilt from the safe fields before anything can log it.
 */
export class DbError extends Error {
	readonly code?: string;
	readonly constraint?: string;
	readonly table?: string;
	readonly column?: string;
	readonly severity?: string;

	constructor(fields: { message: string; code?: string; constraint?: string; table?: string; column?: string; severity?: string }) {
		super(fields.message);
		this.name = 'DbError';
		this.code = fields.code;
		this.constraint = fields.constraint;
		this.table = fields.table;
		this.column = fields.column;
		this.severity = fields.severity;
	}
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

function text(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

/** Whether an error came from the database server (both drivers give it a SQLSTATE `code` and a `severity`). */
function isServerError(error: unknown): error is Record<string, unknown> & Error {
	const code = (error as { code?: unknown } | null)?.code;
	return error instanceof Error && typeof code === 'string' && SQLSTATE.test(code) && 'severity' in error;
}

/**
 * A database error rebuilt without parameters, query text or detail; anything else is returned as it is. Data
 * exceptions (class 22) quote the value they refused (`invalid input syntax for type uuid: "…"`): the quote goes.
 */
export function sanitiseDbError(error: unknown): unknown {
	if (error instanceof DbError || !isServerError(error)) return error;
	const code = error.code as string;
	const message = code.startsWith('22') ? error.message.replace(/"(?:[^"\\]|\\.)*"/g, '"…"') : error.message;
	const safe = new DbError({ message, code, constraint: text(error.constraint), table: text(error.table), column: text(error.column), severity: text(error.severity) });
	safe.stack = `${safe.name}: ${safe.message}${(error.stack ?? '').replace(/^[^\n]*/, '')}`;
	return safe;
}

/** Awaits `work`, rethrowing a database error sanitised. */
export async function withSanitisedErrors<T>(work: Promise<T>): Promise<T> {
	try {
		return await work;
	} catch (error) {
		throw sanitiseDbError(error);
	}
}

/**
 * The 4xx a database refusal means when a value a client sent caused it, or undefined (a 5xx: our fault, or the
 * database unavailable). Class 22 (data exception: a value out of range, badly encoded or malformed) and 54000
 * (program limit: an index row too large) are the sender's; unique and foreign-key violations are conflicts.
 */
export function clientStatusOfDbError(error: unknown): 400 | 409 | undefined {
	const code = error instanceof DbError ? error.code : isServerError(error) ? (error.code as string) : undefined;
	if (!code) return undefined;
	if (code.startsWith('22') || code === '54000' || code === '23502' || code === '23514') return 400;
	if (code === '23505' || code === '23503') return 409;
	return undefined;
}
