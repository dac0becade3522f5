import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createLogger } from '../../src/logging/logger';
import { OutboxQueues, outboxQueueName } from '../../src/outbox/outbox-queues';
import type { SendStep } from '../../src/outbox/outbox-sender';
import { testRedisUrl } from '../../../test/support/test-database';

/**
 * What the reconciler learns of each queued message's job (outbox-queues.ts `jobStates`), on real Redis with BullMQ's
 * own transitions: a job that will run is left alone, a finished one is removed and added again, a missing one added.
 */
describe('outbox job states', () => {
	const prefix = `jobstates-${randomUUID().slice(0, 8)}`;
	const channelId = randomUUID();
	const stepped: string[] = [];
	let fail = new Set<string>();
	let queues: OutboxQueues;
	let queue: Queue;
	let redis: Redis;

	beforeAll(() => {
		queues = new OutboxQueues({
			redisUrl: testRedisUrl(),
			prefix,
			logger: createLogger({ level: 'silent' }),
			step: async (messageId: string): Promise<SendStep> => {
				stepped.push(messageId);
				if (fail.has(messageId)) throw new Error('database down');
				return { kind: 'done' };
			},
		});
		redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
		queue = new Queue(outboxQueueName(channelId), { connection: redis, prefix });
	});
	afterAll(async () => {
		await queues.close();
		await queue.close();
		const keys = await redis.keys(`${prefix}:*`);
		if (keys.length) await redis.del(...keys);
		redis.disconnect();
	});

	const until = async (check: () => Promise<boolean>) => {
		for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 25));
		expect(await check()).toBe(true);
	};

	it('tells live, finished and missing jobs apart, in the order asked', async () => {
		const [waiting, delayed, completed, kept, failed, retried, never] = Array.from({ length: 7 }, () => randomUUID());
		fail = new Set([failed, retried]);
		// Ran and completed: removed with its hash (removeOnComplete), so Redis has nothing under the id.
		await queues.enqueue(channelId, completed);
		await until(async () => stepped.includes(completed) && (await queue.getJobState(completed)) === 'unknown');
		// Completed but kept (added by hand, say on the dashboard): it blocks adding the id again.
		await queue.add('send', { messageId: kept }, { jobId: kept, removeOnComplete: false });
		// Failed for good (its attempts spent): kept by removeOnFail.
		await queue.add('send', { messageId: failed }, { jobId: failed, attempts: 1 });
		// Failed with attempts left: BullMQ retries it later (delayed), so it is live.
		await queues.enqueue(channelId, retried);
		await until(async () => (await queue.getJobState(kept)) === 'completed' && (await queue.getJobState(failed)) === 'failed' && (await queue.getJobState(retried)) === 'delayed');
		await queues.enqueue(channelId, delayed, 60_000);
		await queues.pause(channelId);
		await queues.enqueue(channelId, waiting);
		expect(await queue.getJobState(waiting)).toBe('waiting');

		const ids = [waiting, delayed, completed, kept, failed, retried, never];
		expect(await queues.jobStates(channelId, ids)).toEqual(['live', 'live', 'none', 'finished', 'finished', 'live', 'none']);
		// The same answers BullMQ's own (slower) state script gives.
		const bullmq = await Promise.all(ids.map((id) => queue.getJobState(id)));
		expect(bullmq).toEqual(['waiting', 'delayed', 'unknown', 'completed', 'failed', 'delayed', 'unknown']);

		// A failed job retried (from the dashboard) runs again: live, not finished.
		fail = new Set();
		await (await queue.getJob(failed))!.retry('failed');
		expect(await queues.jobStates(channelId, [failed])).toEqual(['live']);
		expect(await queues.jobStates(channelId, [])).toEqual([]);
	});
});
