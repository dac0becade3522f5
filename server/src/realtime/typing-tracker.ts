import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { inboxEvent, type InboxEvent, type RealtimeSink } from './inbox-events';

/** Who is typing: the contact (from WhatsApp presence) or an attendant (from the inbox page). */
export type Typist = { kind: 'contact' } | { kind: 'user'; userId: string; isPrivate: boolean };

const typistKey = (t: Typist) => (t.kind === 'contact' ? 'contact' : `user:${t.userId}`);

/** What the typist is doing: writing, or recording a voice note (WhatsApp's presence "recording"). */
export type TypingActivity = 'typing' | 'recording';

// Compare-and-delete: only the process holding the latest "typing on" may turn it off.
const RELEASE_IF_OWNER = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * typing_on / typing_off with an automatic off after `timeoutMs` (30 s, like Chatwoot's client) when no one says
 * "stopped". The latest "on" is recorded in Redis with its own token, so when several replicas see the same person
 * type, only the timer of the latest one fires the off.
 */
export class TypingTracker {
	private readonly timers = new Map<string, NodeJS.Timeout>();

	constructor(
		private readonly redis: Redis,
		private readonly sinks: RealtimeSink[],
		private readonly timeoutMs: number,
	) {}

	async start(workspaceId: string, conversationId: string, typist: Typist, activity: TypingActivity = 'typing'): Promise<InboxEvent> {
		const key = this.key(workspaceId, conversationId, typist);
		const token = randomBytes(8).toString('hex');
		await this.redis.set(key, token, 'PX', this.timeoutMs + 5_000);
		clearTimeout(this.timers.get(key));
		const timer = setTimeout(() => {
			this.timers.delete(key);
			void this.expire(key, token, workspaceId, conversationId, typist);
		}, this.timeoutMs);
		timer.unref();
		this.timers.set(key, timer);
		return this.event('conversation.typing_on', conversationId, typist, false, activity);
	}

	async stop(workspaceId: string, conversationId: string, typist: Typist): Promise<InboxEvent> {
		const key = this.key(workspaceId, conversationId, typist);
		clearTimeout(this.timers.get(key));
		this.timers.delete(key);
		await this.redis.del(key);
		return this.event('conversation.typing_off', conversationId, typist);
	}

	close(): void {
		for (const timer of this.timers.values()) clearTimeout(timer);
		this.timers.clear();
	}

	private async expire(key: string, token: string, workspaceId: string, conversationId: string, typist: Typist): Promise<void> {
		try {
			const released = (await this.redis.eval(RELEASE_IF_OWNER, 1, key, token)) as number;
			if (released !== 1) return;
			const event = this.event('conversation.typing_off', conversationId, typist, true);
			await Promise.all(this.sinks.map((sink) => sink.send(workspaceId, [event])));
		} catch {
			/* Redis gone while shutting down: the page's own 30 s fallback clears the indicator */
		}
	}

	private key(workspaceId: string, conversationId: string, typist: Typist): string {
		return `inbox:typing:${workspaceId}:${conversationId}:${typistKey(typist)}`;
	}

	private event(type: 'conversation.typing_on' | 'conversation.typing_off', conversationId: string, typist: Typist, automatic = false, activity?: TypingActivity): InboxEvent {
		return inboxEvent(type, {
			conversationId,
			data: {
				conversationId,
				typist: typist.kind === 'contact' ? { kind: 'contact' } : { kind: 'user', userId: typist.userId },
				isPrivate: typist.kind === 'user' ? typist.isPrivate : false,
				// On typing_on only: the page says "gravando áudio…" rather than "digitando…" for a voice note.
				...(activity ? { activity } : {}),
				...(automatic ? { automatic: true } : {}),
			},
		});
	}
}
