import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Config } from '../config/config';
import type { Logger } from '../logging/logger';
import { createSupabaseServiceClient } from '../supabase/supabase-client';
import { SupabaseRealtimeSink } from '../supabase/supabase-realtime-sink';
import type { RealtimeSink } from './inbox-events';
import { InboxEventPublisher } from './inbox-event-publisher';
import { RedisRealtimeSink } from './redis-realtime';
import { TypingTracker } from './typing-tracker';

export const DEFAULT_TYPING_TIMEOUT_MS = 30_000;

/**
 * The server's realtime publisher: Redis pub/sub so every replica's sockets hear each event, plus Supabase Realtime
 * broadcast when SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY are set.
 */
export function createInboxPublisher(options: {
	redis: Redis;
	logger: Logger;
	config: Pick<Config, 'realtime' | 'supabase'>;
}): InboxEventPublisher {
	const sinks: RealtimeSink[] = [
		new RedisRealtimeSink(options.redis, `${hostname()}:${process.pid}`, undefined, {
			onError: (message, details) => options.logger.warn(details, message),
		}),
	];
	if (options.config.supabase) {
		sinks.push(new SupabaseRealtimeSink(createSupabaseServiceClient(options.config.supabase), options.config.supabase.privateChannels));
	}
	const typing = new TypingTracker(options.redis, sinks, options.config.realtime?.typingTimeoutMs ?? DEFAULT_TYPING_TIMEOUT_MS);
	return new InboxEventPublisher(sinks, typing, options.logger);
}
