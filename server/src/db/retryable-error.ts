// serialization_failure, deadlock_detected, unique_violation: a concurrent writer won a race; running the whole
// transaction again sees its committed rows and converges.
const RETRYABLE = new Set(['40001', '40P01', '23505']);

export function isRetryableDbError(error: unknown): boolean {
	return typeof error === 'object' && error !== null && RETRYABLE.has(String((error as { code?: unknown }).code));
}
