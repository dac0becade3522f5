import type { Logger } from '../logging/logger';

/**
 * Runs the work features queued for once the server listens (channel re-check, webhook check, sync resume), all at
 * once and in the background: a slow or absent Evolution must not hold the start; each failure is logged, none thrown.
 * The promise settles when all are done (tests wait for it; main.ts does not).
 */
export async function runStartupTasks(tasks: Array<() => Promise<void>> | undefined, logger: Logger): Promise<void> {
	await Promise.all((tasks ?? []).map((task) => task().catch((error: unknown) => logger.warn({ err: (error as Error).message }, 'start-up task failed'))));
}
