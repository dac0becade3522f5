// serialization_failure, deadlock_detected, unique_violation: a concurrent writer won a race; running the whole
// transaction again sees its committed rows and converges.
const RETRYABLE = new Set(['40001', '40P01', '23505']);

export function isRetryableDbError(error: unknown): boolean {
	return typeof error === 'object' && error !== null && RETRYABLE.has(String((error as { code?: unknown }).code));
}

// The database cannot be reached or went away: connection refused / reset / timed out / cancelled (ECANCELED: a
// loopback connect the kernel gave up under load), the server shutting down or
// starting (57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now), too many connections (53300), any
// SQLSTATE class 08 (connection exception). Nothing of the failed statement or transaction was committed; the same
// request is worth sending again later (a webhook is answered 503 with Retry-After so Evolution does).
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECANCELED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', '57P01', '57P02', '57P03', '53300']);
const UNAVAILABLE_MESSAGES = [/connection terminated/i, /connection error/i, /timeout exceeded when trying to connect/i, /not queryable/i, /connection (is )?closed/i];

export function isDbUnavailableError(error: unknown): boolean {
	if (typeof error !== 'object' || error === null) return false;
	const code = String((error as { code?: unknown }).code ?? '');
	if (UNAVAILABLE_CODES.has(code) || code.startsWith('08')) return true;
	const message = String((error as { message?: unknown }).message ?? '');
	if (UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
	// pg-pool wraps some as AggregateError (IPv4 and IPv6 both refused).
	const errors = (error as { errors?: unknown }).errors;
	return Array.isArray(errors) && errors.some(isDbUnavailableError);
}
