import { Redis } from 'ioredis';
import { startPrivateRedis, type PrivateRedis } from '../../src/infra/private-redis';
import { createLogger } from '../../src/logging/logger';
import { createInboxPublisher } from '../../src/realtime/create-inbox-publisher';
import type { InboxEvent } from '../../src/realtime/inbox-events';
import { RedisRealtimeSubscriber } from '../../src/realtime/redis-realtime';
import { ADAPTERS } from '../support/ingest-database';
import { scaled } from './scale';
import { nthMessage, startWebhookLoad, withSenders, type WebhookLoad } from './support/webhook-load';

const BEFORE = scaled(50, 1_000);
const DURING = scaled(150, 3_000);
const PEOPLE = scaled(10, 100);
const OUTAGE_MS = scaled(2_000, 30_000);

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await condition())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/**
 * Redis stopped during ingest (#9): webhooks are still committed and answered 200 (ingest never waits for Redis);
 * the realtime events of what was committed meanwhile reach the sockets' subscriber once Redis is back. Its own Redis
 * server, since this one is stopped and started again on the same port.
 */
describe.each(ADAPTERS)('Redis stopped during ingest on %s', (_name, open) => {
	let redis: PrivateRedis;
	let publisherRedis: Redis;
	let subscriberRedis: Redis;
	let subscriber: RedisRealtimeSubscriber;
	let load: WebhookLoad;
	const heard = new Set<string>();

	beforeAll(async () => {
		redis = await startPrivateRedis();
		// As the runtime connects (start-runtime.ts); the subscriber retries quickly so it is back before the backlog.
		publisherRedis = new Redis(redis.url, { maxRetriesPerRequest: 2 });
		publisherRedis.on('error', () => undefined);
		subscriberRedis = new Redis(redis.url, { retryStrategy: () => 50 });
		subscriberRedis.on('error', () => undefined);
		subscriber = await RedisRealtimeSubscriber.start(subscriberRedis, (_workspaceId: string, event: InboxEvent) => {
			const id = event.type === 'message.created' ? (event.data.message as { waMessageId?: string }).waMessageId : undefined;
			if (id) heard.add(id);
		});
		const publisher = createInboxPublisher({ redis: publisherRedis, logger: createLogger({ level: 'silent' }), config: { realtime: undefined, supabase: undefined } });
		load = await startWebhookLoad(open, publisher);
	});
	afterAll(async () => {
		await load?.close();
		await subscriber?.close();
		subscriberRedis?.disconnect();
		publisherRedis?.disconnect();
		await redis?.stop();
	});

	it(`commits and answers 200 while Redis is down (${OUTAGE_MS / 1000} s); realtime catches up when it is back`, async () => {
		const send = async (from: number, count: number) => {
			const statuses: number[] = [];
			await withSenders(
				Array.from({ length: count }, (_v, i) => from + i),
				10,
				async (i) => {
					statuses.push((await load.post(nthMessage(i, PEOPLE))).status);
				},
			);
			return statuses;
		};
		expect(new Set(await send(0, BEFORE))).toEqual(new Set([200]));
		await until(() => heard.size === BEFORE, 'the events before the outage');

		await redis.stop();
		// Every webhook answered (a hang here fails the test by its time-out) and committed while Redis is away.
		expect(new Set(await send(BEFORE, DURING))).toEqual(new Set([200]));
		await load.ingest.drain();
		const stored = await load.db.query<{ n: string }>('SELECT count(*) AS n FROM whatsapp_messages WHERE workspace_id = $1', [load.workspaceId]);
		expect(Number(stored.rows[0].n)).toBe(BEFORE + DURING);
		expect(heard.size).toBe(BEFORE);

		await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
		redis = await startPrivateRedis({ port: redis.port });
		await until(() => heard.size === BEFORE + DURING, 'the events committed while Redis was away');
	});
});
