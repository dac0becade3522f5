/**
 * Evolution's retryWebhookRequest: exponential back-off from the initial delay, capped, with ±20 %
 * jitter and the initial delay as a floor (so the first retry is 1.0–1.2× the initial delay).
 */
export const NON_RETRYABLE_STATUS = [400, 401, 403, 404, 422];

export interface RetryPolicy {
	maxAttempts: number;
	initialDelayMs: number;
	maxDelayMs: number;
}

/** Delay before the next try, after `failedAttempts` failures (1-based). */
export function retryDelayMs(policy: RetryPolicy, failedAttempts: number, random = Math.random): number {
	const base = Math.min(policy.initialDelayMs * Math.pow(2, failedAttempts - 1), policy.maxDelayMs);
	const jitter = base * 0.2 * (random() * 2 - 1);
	return Math.max(policy.initialDelayMs, base + jitter);
}

export const isRetryable = (status: number | undefined) => status === undefined || !NON_RETRYABLE_STATUS.includes(status);
