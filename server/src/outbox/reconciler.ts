import type { Db } from '../db/db';
import type { Logger } from '../logging/logger';
import { queuedMessages } from './outbox-store';
import type { OutboxQueues } from './outbox-queues';

const SCAN_LIMIT = 20_000;
// Jobs looked up in one Redis pipeline.
const JOB_STATES_AT_ONCE = 500;

/**
 * The row is the truth, the job a copy: every `queued` outbox row must have a live job. After Redis lost its data
 * (FLUSHALL, a restart without persistence) or a crash between the commit and the enqueue, this puts the missing
 * jobs back (job id = message id, so a job that exists is left alone), due when the row says, and the channel's
 * one-at-a-time rule with them. Runs at start and every OUTBOX_RECONCILE_MS; an accepted message is never lost.
 */
export class OutboxReconciler {
	private timer?: NodeJS.Timeout;
	private running?: Promise<number>;

	constructor(
		private readonly deps: { db: Db; queues: OutboxQueues; logger: Logger; periodMs: number },
	) {}

	start(): void {
		const tick = () => {
			void this.runOnce()
				.catch((error: Error) => this.deps.logger.warn({ err: error.message }, 'outbox reconcile failed; next pass retries'))
				.finally(() => {
					if (this.timer !== undefined) this.timer = setTimeout(tick, this.deps.periodMs);
				});
		};
		this.timer = setTimeout(tick, 0);
	}

	/** One pass; answers how many jobs were put back. Concurrent calls share the pass in progress. */
	runOnce(): Promise<number> {
		this.running ??= this.pass().finally(() => (this.running = undefined));
		return this.running;
	}

	private async pass(): Promise<number> {
		const rows = await queuedMessages(this.deps.db, SCAN_LIMIT);
		const byChannel = new Map<string, typeof rows>();
		for (const row of rows) {
			const list = byChannel.get(row.channelId);
			if (list) list.push(row);
			else byChannel.set(row.channelId, [row]);
		}
		let restored = 0;
		for (const [channelId, channelRows] of byChannel) {
			const { queues } = this.deps;
			queues.ensureWorker(channelId);
			await queues.ensureLimit(channelId);
			const missing: Array<{ messageId: string; delayMs: number }> = [];
			const finished: string[] = [];
			for (let i = 0; i < channelRows.length; i += JOB_STATES_AT_ONCE) {
				const slice = channelRows.slice(i, i + JOB_STATES_AT_ONCE);
				const states = await queues.jobStates(channelId, slice.map((row) => row.id));
				slice.forEach((row, index) => {
					if (states[index] === 'live') return;
					missing.push({ messageId: row.id, delayMs: row.dueAt ? row.dueAt.getTime() - Date.now() : 0 });
					if (states[index] === 'finished') finished.push(row.id);
				});
			}
			if (!missing.length) continue;
			// A finished job under the same id (removed on completion normally; failed ones are kept) would block the add.
			await Promise.all(finished.map((id) => queues.removeJob(channelId, id)));
			await queues.enqueueMany(channelId, missing);
			restored += missing.length;
		}
		if (restored) this.deps.logger.warn({ restored }, 'outbox reconciler: queued messages had no job; enqueued again');
		return restored;
	}

	stop(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
	}
}
