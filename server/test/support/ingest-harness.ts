import { createHash } from 'node:crypto';
import type { WebhookChannel } from '../../src/channels/channel-webhook-directory';
import type { Db } from '../../src/db/db';
import { createWebhookIngest } from '../../src/ingest/create-webhook-ingest';
import type { WriteBatcherOptions } from '../../src/ingest/write-batcher';
import type { WebhookIngest } from '../../src/ingest/webhook-ingest';
import { createLogger } from '../../src/logging/logger';
import type { RealtimeEvent } from '../../src/realtime/publisher';
import { InMemoryRealtimePublisher } from '../../src/realtime/publisher-in-memory';
import { createWorkspaceWithChannel, openMigratedDb } from './ingest-database';

export interface IngestHarness {
	db: Db;
	ingest: WebhookIngest;
	publisher: InMemoryRealtimePublisher;
	events: RealtimeEvent[];
	workspaceId: string;
	channelId: string;
	webhookSecret: string;
	channel: WebhookChannel;
	deliver(body: unknown): ReturnType<WebhookIngest['ingest']>;
	count(table: string): Promise<number>;
	close(): Promise<void>;
}

/** The adapter with a count of the transactions opened through it: how the tests see which path a batch took. */
export function countingTransactions(db: Db, counter: { transactions: number }): Db {
	return {
		driver: db.driver,
		query: (sql, params, options) => db.query(sql, params, options),
		exec: (sql) => db.exec(sql),
		close: () => db.close(),
		transaction: (fn) => {
			counter.transactions++;
			return db.transaction(fn);
		},
	};
}

export async function startIngestHarness(
	open: () => Promise<Db>,
	provider: 'evolution' | 'waha' = 'evolution',
	batching: Partial<WriteBatcherOptions> = {},
): Promise<IngestHarness> {
	const db = await openMigratedDb(open);
	const { workspaceId, channelId, webhookSecret } = await createWorkspaceWithChannel(db, { provider });
	const publisher = new InMemoryRealtimePublisher();
	const events: RealtimeEvent[] = [];
	publisher.subscribe((_ws, event) => events.push(event));
	const ingest = createWebhookIngest({ db, logger: createLogger({ level: 'silent' }), publisher }, batching);
	const channel = (await ingest.authenticate(provider, channelId, webhookSecret)) as WebhookChannel;
	return {
		db,
		ingest,
		publisher,
		events,
		workspaceId,
		channelId,
		webhookSecret,
		channel,
		// Realtime events go out after the answer (once committed): wait for them too.
		deliver: async (body) => {
			const text = JSON.stringify(body);
			const answer = await ingest.ingest(channel, body, { sha256: createHash('sha256').update(text).digest('hex'), text });
			await ingest.drain();
			return answer;
		},
		count: async (table) => Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE workspace_id = $1`, [workspaceId])).rows[0].n),
		close: async () => {
			await ingest.close();
			await db.close();
		},
	};
}
