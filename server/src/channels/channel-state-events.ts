import type { Redis } from 'ioredis';
import { RedisRealtimeSubscriber } from '../realtime/redis-realtime';
import type { ChannelView } from './channel-view';

export type ChannelStateListener = (workspaceId: string, channel: ChannelView) => void;

/**
 * Hears every channel state change on every replica (the `channel.updated` events the lifecycle publishes through
 * Redis), e.g. for the outbox to resume a channel's queue when it is `connected` again. Answers a closer.
 */
export async function subscribeChannelStates(redis: Redis, listener: ChannelStateListener): Promise<{ close(): Promise<void> }> {
	return RedisRealtimeSubscriber.start(redis, (workspaceId, event) => {
		if (event.type === 'channel.updated') listener(workspaceId, event.data as unknown as ChannelView);
	});
}
