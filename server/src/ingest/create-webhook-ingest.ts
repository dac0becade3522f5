import { ChannelWebhookDirectory } from '../channels/channel-webhook-directory';
import type { Db } from '../db/db';
import type { Logger } from '../logging/logger';
import { EvolutionNormaliser } from '../providers/evolution/evolution-normaliser';
import { WahaNormaliser } from '../providers/waha/waha-normaliser';
import type { RealtimePublisher } from '../realtime/publisher';
import type { InlineMediaSink } from './webhook-ingest';
import { WebhookIngest } from './webhook-ingest';
import { WriteBatcher, type WriteBatcherOptions } from './write-batcher';

/** Wires the ingest pipeline from what the runtime provides. */
export function createWebhookIngest(deps: { db: Db; logger: Logger; publisher: RealtimePublisher; media?: InlineMediaSink }, batching: Partial<WriteBatcherOptions> = {}): WebhookIngest {
	// One writer per process (works the same on PGlite's single connection); 200 deliveries keep a transaction short.
	const batcher = new WriteBatcher(deps.db, deps.publisher, deps.logger, { maxBatch: 200, attempts: 5, sweepIntervalMs: 10_000, ...batching });
	return new WebhookIngest({
		db: deps.db,
		logger: deps.logger,
		directory: new ChannelWebhookDirectory(deps.db),
		batcher,
		normalisers: { evolution: new EvolutionNormaliser(), waha: new WahaNormaliser() },
		media: deps.media,
	});
}
