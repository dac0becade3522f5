import type { Redis } from 'ioredis';
import type { InboxEvent, RealtimeSink } from './inbox-events';

export const REALTIME_CHANNEL_PREFIX = 'inbox:realtime:';

export interface RealtimeWireMessage {
	workspaceId: string;
	/** One publish's events, in order: a batch of webhooks travels as one Redis message, not one per event. */
	events: InboxEvent[];
	/** The replica that published it (diagnostics). */
	origin: string;
}

/** Messages kept while Redis is away: about a minute of a busy workspace's batches; beyond it the oldest go. */
export const DEFAULT_OFFLINE_BUFFER = 10_000;
const DEFAULT_FLUSH_DELAY_MS = 1_000;

/**
 * Publishes events on Redis, one pub/sub channel per workspace, so every replica's sockets hear them. It never makes a
 * caller wait for Redis: ingest publishes after its commit and must answer the webhook whatever Redis does. While the
 * connection is not ready the messages wait in a bounded buffer (the oldest dropped, and counted, past the bound),
 * and they are published in order when it is ready again; a publish that fails on a ready connection is logged and
 * dropped (committed rows are not lost: clients re-read on reconnect).
 */
export class RedisRealtimeSink implements RealtimeSink {
	private readonly buffer: Array<{ channel: string; payload: string }> = [];
	/** Messages dropped from a full buffer since the last flush (reported then). */
	private dropped = 0;

	constructor(
		private readonly redis: Redis,
		private readonly origin: string,
		private readonly prefix = REALTIME_CHANNEL_PREFIX,
		private readonly options: { maxBuffered?: number; flushDelayMs?: number; onError?: (message: string, details: Record<string, unknown>) => void } = {},
	) {
		// Every replica's subscriber reconnects at about the same time as this connection: a moment's wait lets them
		// subscribe again before the backlog goes out (pub/sub keeps nothing for a subscriber that is not there).
		redis.on('ready', () => setTimeout(() => this.flush(), this.options.flushDelayMs ?? DEFAULT_FLUSH_DELAY_MS).unref());
	}

	/** How many messages wait for Redis. */
	get buffered(): number {
		return this.buffer.length;
	}

	async send(workspaceId: string, events: InboxEvent[]): Promise<void> {
		if (events.length === 0) return;
		const message: RealtimeWireMessage = { workspaceId, events, origin: this.origin };
		const item = { channel: this.prefix + workspaceId, payload: JSON.stringify(message) };
		if (this.redis.status !== 'ready' || this.buffer.length > 0) {
			this.keep(item);
			return;
		}
		this.publish(item);
	}

	private keep(item: { channel: string; payload: string }): void {
		this.buffer.push(item);
		if (this.buffer.length > (this.options.maxBuffered ?? DEFAULT_OFFLINE_BUFFER)) {
			this.buffer.shift();
			this.dropped++;
		}
	}

	private flush(): void {
		if (this.redis.status !== 'ready') return; // gone again: the next 'ready' flushes
		if (this.dropped) this.options.onError?.('realtime events dropped while Redis was away (buffer full)', { dropped: this.dropped });
		this.dropped = 0;
		// All at once, in order: ioredis writes them on the one connection in this order.
		for (const item of this.buffer.splice(0)) this.publish(item);
	}

	private publish(item: { channel: string; payload: string }): void {
		this.redis.publish(item.channel, item.payload).catch((error: Error) => this.options.onError?.('realtime publish failed', { err: error.message }));
	}
}

/** The receiving side: one subscriber connection per replica, every workspace's channel, handed to the local hub. */
export class RedisRealtimeSubscriber {
	private constructor(private readonly connection: Redis) {}

	static async start(
		redis: Redis,
		deliver: (workspaceId: string, event: InboxEvent) => void,
		prefix = REALTIME_CHANNEL_PREFIX,
	): Promise<RedisRealtimeSubscriber> {
		// A connection in subscriber mode can do nothing else, so it is a separate one.
		const connection = redis.duplicate({ lazyConnect: true, maxRetriesPerRequest: null });
		connection.on('error', () => undefined);
		connection.on('pmessage', (_pattern: string, _channel: string, raw: string) => {
			let message: RealtimeWireMessage;
			try {
				message = JSON.parse(raw) as RealtimeWireMessage;
			} catch {
				return; // a malformed message on our channel is dropped; nothing else listens to it
			}
			if (!Array.isArray(message?.events)) return;
			for (const event of message.events) {
				try {
					deliver(message.workspaceId, event);
				} catch {
					/* one socket's trouble must not cost the others the rest of the batch */
				}
			}
		});
		await connection.connect();
		await connection.psubscribe(`${prefix}*`);
		return new RedisRealtimeSubscriber(connection);
	}

	async close(): Promise<void> {
		await this.connection.quit().catch(() => this.connection.disconnect());
	}
}
