import type { Db } from '../db/db';
import type { Logger } from '../logging/logger';

export const DEFAULT_WEBHOOK_RETENTION_DAYS = 14;

/** Deletes audit rows older than the retention window; returns how many went. */
export async function pruneWebhookDeliveries(db: Db, olderThan: Date): Promise<number> {
	const { rowCount } = await db.query(
		'DELETE FROM webhook_deliveries WHERE workspace_id IN (SELECT id FROM workspaces) AND received_at < $1',
		[olderThan.toISOString()],
	);
	return rowCount;
}

/** Prunes now and then every intervalMs; stop() ends it. */
export function startWebhookRetention(db: Db, logger: Logger, options: { days?: number; intervalMs?: number } = {}): { stop(): void } {
	const days = options.days ?? DEFAULT_WEBHOOK_RETENTION_DAYS;
	const run = () =>
		pruneWebhookDeliveries(db, new Date(Date.now() - days * 86_400_000))
			.then((deleted) => deleted && logger.info({ deleted, days }, 'webhook audit rows pruned'))
			.catch((error) => logger.warn({ err: error }, 'webhook audit pruning failed'));
	const timer = setInterval(run, options.intervalMs ?? 3_600_000);
	timer.unref();
	void run();
	return { stop: () => clearInterval(timer) };
}
