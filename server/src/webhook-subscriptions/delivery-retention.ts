import type { Db } from '../db/db';
import type { Logger } from '../logging/logger';

/** Settled deliveries (and their attempts) are kept this long for GET …/deliveries, then deleted. */
export const DELIVERY_RETENTION_DAYS = 14;

/**
 * Deletes delivered and failed deliveries older than `olderThan` (attempts go with them); pending ones stay whatever
 * their age, since they are still owed. Answers how many went.
 */
export async function pruneSettledDeliveries(db: Db, olderThan: Date): Promise<number> {
	const { rowCount } = await db.query(
		`DELETE FROM webhook_subscription_deliveries
		 WHERE workspace_id IN (SELECT id FROM workspaces) AND status IN ('delivered', 'failed') AND created_at < $1`,
		[olderThan.toISOString()],
	);
	return rowCount;
}

/** Prunes at start and then hourly; stop() ends it. */
export function startDeliveryRetention(db: Db, logger: Logger, intervalMs = 3_600_000): { stop(): void } {
	const run = () =>
		pruneSettledDeliveries(db, new Date(Date.now() - DELIVERY_RETENTION_DAYS * 86_400_000))
			.then((deleted) => deleted && logger.info({ deleted, days: DELIVERY_RETENTION_DAYS }, 'webhook subscription deliveries pruned'))
			.catch((error: Error) => logger.warn({ err: error.message }, 'webhook subscription delivery pruning failed'));
	const timer = setInterval(run, intervalMs);
	timer.unref();
	void run();
	return { stop: () => clearInterval(timer) };
}
