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

/** Publishes events on Redis, one pub/sub channel per workspace, so every server replica's sockets hear them. */
export class RedisRealtimeSink implements RealtimeSink {
	constructor(
		private readonly redis: Redis,
		private readonly origin: string,
		private readonly prefix = REALTIME_CHANNEL_PREFIX,
	) {}

	async send(workspaceId: string, events: InboxEvent[]): Promise<void> {
		if (events.length === 0) return;
		const message: RealtimeWireMessage = { workspaceId, events, origin: this.origin };
		await this.redis.publish(this.prefix + workspaceId, JSON.stringify(message));
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
