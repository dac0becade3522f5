import type { ChannelLifecycle } from '../channels/channel-lifecycle';
import type { Db } from '../db/db';
import type { InboxPublisher } from '../realtime/inbox-events';
import type { TypingTracker } from '../realtime/typing-tracker';

export type SignupMode = 'first' | 'open' | 'closed';

export interface AuthSettings {
	sessionTtlMs: number;
	/** first: only while the server has no workspace (setup); open: anyone may create one; closed: never. */
	signupMode: SignupMode;
	loginRateLimit: { max: number; timeWindowMs: number };
}

/** What the REST routes stand on. */
export interface InboxApiDeps {
	db: Db;
	integrationsKey: Buffer;
	publisher: InboxPublisher;
	typing: TypingTracker;
	/** Used for channels created without their own base URL / API key (the embedded sandbox, one shared Evolution). */
	evolution: { baseUrl: string; apiKey?: string };
	auth: AuthSettings;
	/** Instance create / attach, pairing, health, reconnect, logout, removal (channels/channel-lifecycle.ts). */
	channels: ChannelLifecycle;
}
