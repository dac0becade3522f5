import type { Queryable } from '../db/db';

/** What a webhook route needs to know about the channel a delivery is addressed to. */
export interface WebhookChannel {
	id: string;
	workspaceId: string;
	provider: 'evolution' | 'waha';
	webhookSecretHash: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Looks channels up by id for webhook authentication, keeping each answer for a few seconds: a busy channel
 * sends thousands of webhooks a minute and its secret changes rarely (a rotation takes effect within ttlMs).
 */
export class ChannelWebhookDirectory {
	// The lookup itself is kept, so a burst of deliveries for a channel whose entry just expired shares one query.
	private readonly cache = new Map<string, { channel: Promise<WebhookChannel | undefined>; expires: number }>();
	private readonly refusedAt = new Map<string, number>();

	constructor(private readonly db: Queryable, private readonly ttlMs = 5_000) {}

	find(channelId: string): Promise<WebhookChannel | undefined> {
		if (!UUID.test(channelId)) return Promise.resolve(undefined);
		const now = Date.now();
		const cached = this.cache.get(channelId);
		if (cached && cached.expires > now) return cached.channel;
		const channel = this.db
			.query<WebhookChannel>(
				`SELECT id, workspace_id AS "workspaceId", provider, webhook_secret_hash AS "webhookSecretHash" FROM whatsapp_channels WHERE id = $1`,
				[channelId],
			)
			.then(({ rows }) => rows[0]);
		if (this.cache.size > 10_000) this.cache.clear();
		this.cache.set(channelId, { channel, expires: now + this.ttlMs });
		// A failed lookup is not remembered: the next delivery asks again.
		channel.catch(() => this.cache.delete(channelId));
		return channel;
	}

	/**
	 * The channel as stored now, for a secret that did not match the cached answer: right after a rotation the
	 * instance already sends the new secret (channel-lifecycle.ts) and must not be refused for the cache's ttl. A
	 * channel whose fresh look was refused (a wrong secret, not a rotation) is not looked up again for a second, so
	 * wrong secrets cannot turn every delivery into a query.
	 */
	findFresh(channelId: string): Promise<WebhookChannel | undefined> {
		const refused = this.refusedAt.get(channelId);
		if (refused !== undefined && Date.now() - refused < 1_000) return this.find(channelId);
		this.cache.delete(channelId);
		return this.find(channelId);
	}

	/** A secret was refused after a fresh look: hold further fresh looks for this channel for a second. */
	refused(channelId: string): void {
		if (this.refusedAt.size > 10_000) this.refusedAt.clear();
		this.refusedAt.set(channelId, Date.now());
	}

	forget(channelId: string): void {
		this.cache.delete(channelId);
	}
}
