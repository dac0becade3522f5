import type { ChannelWebhookDirectory, WebhookChannel } from '../channels/channel-webhook-directory';
import { webhookSecretMatches } from '../channels/webhook-secret';
import type { Db } from '../db/db';
import { isDbUnavailableError } from '../db/retryable-error';
import type { Logger } from '../logging/logger';
import type { ProviderEvent } from '../providers/provider-events';
import { boundEvents } from '../providers/event-bounds';
import type { ProviderNormaliser } from '../providers/provider-normaliser';
import { compactAuditPayload } from './audit-payload';
import type { DeliveryOutcome } from './delivery';
import type { WriteBatcher } from './write-batcher';

/**
 * Where files that came inside a webhook (base64) go once their message is committed (media/inline-media-capture.ts).
 * offer() must return at once and never throw: the webhook's answer does not wait for it.
 */
export interface InlineMediaSink {
	offer(channel: { id: string; workspaceId: string }, events: readonly ProviderEvent[]): void;
}

export type IngestAnswer =
	| { status: 200; body: { ok: true; outcome: DeliveryOutcome; reason?: string } }
	| { status: 400 | 404 | 422; body: { error: string; reason: string } }
	/** The database is unreachable: nothing was stored; Evolution retries a 5xx, after retryAfterSeconds if it reads it. */
	| { status: 503; body: { error: 'unavailable'; reason: string }; retryAfterSeconds: number };

/** What a webhook that found the database down is told to wait before its retry. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 10;

export function unavailableAnswer(): IngestAnswer {
	return { status: 503, body: { error: 'unavailable', reason: 'the database is unreachable; nothing was stored, send it again later' }, retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS };
}

/** Webhook → validate → normalise → persist (batched, idempotent) → publish. Transport-free, so tests and the bench can drive it. */
export class WebhookIngest {
	constructor(
		private readonly deps: {
			db: Db;
			logger: Logger;
			directory: ChannelWebhookDirectory;
			batcher: WriteBatcher;
			normalisers: Record<'evolution' | 'waha', ProviderNormaliser>;
			media?: InlineMediaSink;
		},
	) {}

	/** The channel a delivery is for, if it exists, belongs to this provider and the secret matches. */
	async authenticate(provider: 'evolution' | 'waha', channelId: string, secret: string | undefined): Promise<WebhookChannel | 'unknown' | 'unauthorised'> {
		let channel = await this.deps.directory.find(channelId);
		// A cached answer may predate a secret rotation: look once more before refusing.
		if (channel && !webhookSecretMatches(secret, channel.webhookSecretHash)) channel = await this.deps.directory.findFresh(channelId);
		if (!channel || channel.provider !== provider) return 'unknown';
		if (webhookSecretMatches(secret, channel.webhookSecretHash)) return channel;
		this.deps.directory.refused(channelId);
		return 'unauthorised';
	}

	/** `received`: the body's SHA-256 (hex), its text when the caller has it, and when it arrived (epoch ms). */
	async ingest(channel: WebhookChannel, body: unknown, received: { sha256: string; text?: string; at?: number }): Promise<IngestAnswer> {
		const bodySha256 = received.sha256;
		const receivedAt = received.at ?? Date.now();
		const normalised = this.deps.normalisers[channel.provider].normalise(body);
		const auditPayload = compactAuditPayload(body, normalised.event, received.text);
		if (!normalised.ok) {
			const status = normalised.event ? 422 : 400;
			this.deps.logger.warn({ channelId: channel.id, provider: channel.provider, event: normalised.event, reason: normalised.reason }, 'webhook rejected');
			await this.recordRejected(channel, normalised.event, status, normalised.reason, bodySha256, auditPayload);
			return { status, body: { error: status === 400 ? 'invalid_webhook' : 'unsupported_webhook', reason: normalised.reason } };
		}
		if (normalised.notice) this.deps.logger.info({ channelId: channel.id, provider: channel.provider, event: normalised.event, reason: normalised.notice }, 'webhook stored nothing');
		const bounded = boundEvents(normalised.events, receivedAt);
		if (bounded.dropped || bounded.adjusted) {
			// Stored what could be stored; the line says how much was not (never the values themselves).
			this.deps.logger.warn({ channelId: channel.id, provider: channel.provider, event: normalised.event, dropped: bounded.dropped, adjusted: bounded.adjusted }, 'webhook values out of bounds');
		}
		let outcome: DeliveryOutcome;
		try {
			outcome = await this.deps.batcher.submit({
				workspaceId: channel.workspaceId,
				channelId: channel.id,
				provider: channel.provider,
				event: normalised.event,
				events: bounded.events,
				ignored: normalised.ignored,
				bodySha256,
				auditPayload,
				receivedAt,
			});
		} catch (error) {
			if (!isDbUnavailableError(error)) throw error;
			this.deps.logger.warn({ channelId: channel.id, event: normalised.event, err: (error as Error).message }, 'database unreachable; webhook answered 503 for a retry');
			return unavailableAnswer();
		}
		if (outcome === 'processed' && this.deps.media) {
			try {
				this.deps.media.offer(channel, bounded.events);
			} catch (error) {
				this.deps.logger.warn({ err: error, channelId: channel.id }, 'webhook media hand-off failed');
			}
		}
		return { status: 200, body: { ok: true, outcome, ...(outcome === 'ignored' && normalised.ignored ? { reason: normalised.ignored } : {}) } };
	}

	/** Bodies that never reached the normaliser (bad JSON) are audited here. */
	async recordRejected(channel: WebhookChannel, event: string | undefined, status: number, reason: string, bodySha256: string | null, payload: string | null): Promise<void> {
		await this.deps.db
			.query(
				`INSERT INTO webhook_deliveries (workspace_id, channel_id, provider, event, outcome, http_status, reason, body_sha256, payload)
				 VALUES ($1, $2, $3, $4, 'rejected', $5, $6, $7, $8::jsonb)`,
				[channel.workspaceId, channel.id, channel.provider, event ?? null, status, reason, bodySha256, payload],
			)
			.catch((error) => this.deps.logger.warn({ err: error }, 'could not audit a rejected webhook'));
	}

	/** Resolves once every accepted delivery is written and its realtime events published. */
	drain(): Promise<void> {
		return this.deps.batcher.drain();
	}

	/** Drains and stops the writer's background work; for shutdown. */
	close(): Promise<void> {
		return this.deps.batcher.close();
	}
}
