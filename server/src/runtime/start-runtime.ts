import { mkdirSync } from 'node:fs';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Config } from '../config/config';
import type { Db } from '../db/db';
import { migrate } from '../db/migrate';
import { openDb } from '../db/open-db';
import { startPrivateRedis } from '../infra/private-redis';
import type { Logger } from '../logging/logger';
import type { AiService } from '../ai/ai-service';
import type { Outbox } from '../outbox/outbox';
import { startWebhookRetention } from '../ingest/webhook-delivery-retention';
import { createInboxPublisher } from '../realtime/create-inbox-publisher';
import type { RealtimePublisher } from '../realtime/publisher';
import { resolveIntegrationsKey } from '../security/integrations-key';
import { moveChannelsToEvolutionAddress } from '../channels/channel-evolution-move';
import { startEmbeddedSandbox } from './embedded-sandbox';
import { databaseStartupError, redisStartupError } from './startup-error';

export interface Runtime {
	config: Config;
	logger: Logger;
	db: Db;
	redis: { url: string; mode: 'private' | 'external'; client: Redis };
	evolution: { baseUrl: string; apiKey?: string; sandbox?: { url: string; controlUrl: string } };
	integrationsKey: Buffer;
	/** Where committed changes are announced: Redis pub/sub to every replica's WebSocket hub (+ Supabase Realtime when configured). */
	publisher: RealtimePublisher;
	/** Every BullMQ queue the server runs (channels, outbox…): features push theirs, the queue dashboard lists them. */
	queues: Queue[];
	/** The sending side, once the inbox server built it (tests and benchmarks reach its queues and counters here). */
	outbox?: Outbox;
	/** The AI auto-reply, once the inbox server built it (tests reach its queue and counters here). */
	ai?: AiService;
	/** Work main.ts starts in the background once the server listens (features push theirs: channel re-check, sync resume). */
	startupTasks?: Array<() => Promise<void>>;
	close(): Promise<void>;
}

/**
 * Starts what the server stands on, each from its embedded default unless configured: PGlite under DATA_DIR
 * (or DATABASE_URL), a private redis-server (or REDIS_URL), the Evolution sandbox in-process (or EVOLUTION_BASE_URL).
 * Whatever started is stopped again by close(), and also when a later step fails.
 */
export async function startRuntime(config: Config, logger: Logger): Promise<Runtime> {
	const closers: Array<() => Promise<void>> = [];
	const close = async () => {
		for (const closeOne of closers.reverse()) await closeOne().catch((error) => logger.warn({ err: error }, 'shutdown step failed'));
		closers.length = 0;
	};
	try {
		mkdirSync(config.dataDir, { recursive: true });
		const integrationsKey = resolveIntegrationsKey({ configured: config.integrationsKey, dataDir: config.dataDir });

		let db: Db;
		let applied: string[];
		try {
			db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, preparedStatements: config.databasePreparedStatements });
			closers.push(() => db.close());
			applied = await migrate(db);
		} catch (error) {
			throw databaseStartupError(config.databaseUrl, error);
		}
		logger.info({ driver: db.driver, applied }, 'database ready');
		const retention = startWebhookRetention(db, logger);
		closers.push(async () => retention.stop());

		let redisUrl = config.redisUrl;
		let redisMode: 'private' | 'external' = 'external';
		if (!redisUrl) {
			const privateRedis = await startPrivateRedis().catch((error: unknown) => {
				throw redisStartupError(undefined, error);
			});
			closers.push(() => privateRedis.stop());
			redisUrl = privateRedis.url;
			redisMode = 'private';
		}
		const redisClient = new Redis(redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true });
		closers.push(async () => {
			redisClient.disconnect();
		});
		try {
			// The first connection must succeed; later drops are retried by ioredis and only logged.
			await redisClient.connect();
		} catch (error) {
			throw redisStartupError(config.redisUrl, error);
		}
		redisClient.on('error', (error) => logger.warn({ err: error.message }, 'redis connection error'));
		logger.info({ mode: redisMode }, 'redis ready');

		let evolution: Runtime['evolution'];
		if (config.evolution.baseUrl) {
			evolution = { baseUrl: config.evolution.baseUrl, apiKey: config.evolution.apiKey };
		} else {
			// A stable address and remembered instances: channels store the sandbox's URL, so after a restart of
			// npm start the demo channel must find its instance at the same place; when its old port was taken, the
			// channels that used it follow it to the new one (embedded-sandbox.ts says why).
			const sandbox = await startEmbeddedSandbox(config, async (from, to) => {
				const moved = await moveChannelsToEvolutionAddress(db, from, to);
				logger.warn({ from, to, channels: moved }, 'the embedded sandbox\'s port was taken: it listens on a new one, and the channels that used it follow');
			});
			closers.push(() => sandbox.close());
			evolution = {
				baseUrl: sandbox.url,
				apiKey: config.sandbox.apiKey,
				sandbox: { url: sandbox.url, controlUrl: `${sandbox.url}/_sandbox` },
			};
			logger.info({ url: sandbox.url }, 'evolution sandbox started in-process');
		}

		return {
			config,
			logger,
			db,
			redis: { url: redisUrl, mode: redisMode, client: redisClient },
			evolution,
			integrationsKey,
			// Redis pub/sub to every replica's sockets (+ Supabase Realtime when configured).
			publisher: createInboxPublisher({ redis: redisClient, logger, config }),
			queues: [],
			startupTasks: [],
			close,
		};
	} catch (error) {
		await close();
		throw error;
	}
}
