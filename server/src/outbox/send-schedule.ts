/**
 * The retry schedule of a send: five attempts in all, and the five waits 10 s → 30 s → 60 s → 2 min → 5 min.
 *
 * How attempts map onto the waits: attempt 1 goes at once; after attempt n fails (n = 1…4) the worker waits
 * RETRY_DELAYS_MS[n-1] and makes attempt n+1. After attempt 5 fails it waits the last delay (5 min) and makes a final
 * check instead of a sixth send: it looks for the message (a late `send.message` echo, /chat/findMessages) and marks
 * it `failed` only if it is not there. So a message is sent at most five times, and never declared failed while a
 * late answer could still show it went out.
 *
 * Not retried at all: permanent 4xx (number not on WhatsApp, validation). A 429 waits its Retry-After and does not
 * use up an attempt. `timeScale` shrinks every wait for tests and benchmarks (OUTBOX_TIME_SCALE).
 */
export const RETRY_DELAYS_MS = [10_000, 30_000, 60_000, 120_000, 300_000] as const;
export const MAX_SEND_ATTEMPTS = 5;

/** The wait after failed attempt `attempt` (1-based): before the next attempt, or (after the last) before the final check. */
export function retryDelayMs(attempt: number, timeScale = 1): number {
	const index = Math.min(Math.max(attempt, 1), RETRY_DELAYS_MS.length) - 1;
	return Math.round(RETRY_DELAYS_MS[index] * timeScale);
}

/** True when `attempts` sends were made and no further send is allowed (only the final check remains). */
export function attemptsExhausted(attempts: number): boolean {
	return attempts >= MAX_SEND_ATTEMPTS;
}
