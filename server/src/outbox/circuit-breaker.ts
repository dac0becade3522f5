import CircuitBreaker from 'opossum';
import type { Db } from '../db/db';
import type { Logger } from '../logging/logger';
import type { EvolutionClient } from '../providers/evolution/evolution-client';
import type { InboxPublisher } from '../realtime/inbox-events';
import { readChannelViews } from '../channels/channel-view';
import { inboxEvent } from '../realtime/inbox-events';
import type { OutboxCounters } from './outbox-counters';
import type { SendObserver } from './outbox-sender';
import type { SendRow } from './outbox-store';

/** Why the outbox holds a channel's messages (whatsapp_channels.outbox_paused_reason). */
export type OutboxPauseReason = 'breaker_open' | 'proactive_paused';

// Consecutive failed sends that open a channel's breaker; a 429 opens it at once.
export const BREAKER_CONSECUTIVE_FAILURES = 5;
// The anchor's auto-pause for proactive sends: 5 in a row, or more than half failed once 10 were tried.
export const AUTO_PAUSE_CONSECUTIVE = 5;
export const AUTO_PAUSE_MIN_ATTEMPTS = 10;
const PROBE_AFTER_MS = 30_000;

interface ChannelHealth {
	breaker: CircuitBreaker<[], string | undefined>;
	consecutive: number;
	proactive: { attempts: number; failures: number; consecutive: number };
	workspaceId: string;
	client?: EvolutionClient;
	instanceName?: string;
}

/**
 * A circuit breaker per channel (opossum): it opens after 5 consecutive failed sends or on a 429, and then the
 * channel's messages stay `queued` (held, never failed) and the channel says why (outbox.pausedReason). After the
 * reset period opossum half-opens it; we then probe Evolution's connectionState, and close it when the instance is
 * open (or open it again). A closed connection (close, logout) holds the messages the same way through the channel
 * state (outbox-sender.ts), without counting as failures.
 *
 * Proactive sends also follow the anchor's auto-pause (5 consecutive failures, or > 50 % failed after 10): the
 * channel's proactive sends are held until an admin resumes them (POST /api/v1/channels/:id/outbox/resume); replies
 * keep going.
 */
export class ChannelBreakers implements SendObserver {
	private readonly health = new Map<string, ChannelHealth>();
	private readonly paused = new Set<string>();

	constructor(
		private readonly deps: { db: Db; publisher: InboxPublisher; logger: Logger; counters: OutboxCounters; timeScale: number; client: (row: SendRow) => EvolutionClient },
	) {}

	private of(row: SendRow): ChannelHealth {
		let health = this.health.get(row.channelId);
		if (!health) {
			const channelId = row.channelId;
			const breaker = new CircuitBreaker<[], string | undefined>(async () => this.probe(channelId), {
				resetTimeout: Math.max(50, Math.round(PROBE_AFTER_MS * this.deps.timeScale)),
				// Opened and closed by the rules above, not by opossum's own statistics.
				errorThresholdPercentage: 101,
				timeout: false,
			});
			health = { breaker, consecutive: 0, proactive: { attempts: 0, failures: 0, consecutive: 0 }, workspaceId: row.workspaceId };
			breaker.on('open', () => this.deps.counters.breakerState(channelId, 'open'));
			breaker.on('close', () => this.deps.counters.breakerState(channelId, 'closed'));
			breaker.on('halfOpen', () => {
				this.deps.counters.breakerState(channelId, 'half_open');
				void breaker
					.fire()
					.then((state) => (state === 'open' ? this.close(channelId) : this.reopen(channelId, `connectionState is ${state ?? 'unknown'}`)))
					.catch((error: Error) => this.reopen(channelId, error.message));
			});
			this.health.set(channelId, health);
		}
		health.client = this.deps.client(row);
		health.instanceName = row.instanceName;
		return health;
	}

	isPaused(channelId: string): boolean {
		return this.paused.has(channelId);
	}

	adoptPause(row: SendRow): void {
		if (this.paused.has(row.channelId)) return;
		this.of(row);
		this.open(row.channelId, 'held since before this replica started');
	}

	succeeded(row: SendRow): void {
		const health = this.of(row);
		health.consecutive = 0;
		if (row.origin === 'proactive') {
			health.proactive.attempts++;
			health.proactive.consecutive = 0;
		}
	}

	failed(row: SendRow, kind: 'rate_limited' | 'not_sent' | 'ambiguous' | 'permanent', retryAfterMs?: number): void {
		const health = this.of(row);
		if (row.origin === 'proactive') {
			health.proactive.attempts++;
			health.proactive.failures++;
			health.proactive.consecutive++;
			const { attempts, failures, consecutive } = health.proactive;
			if (consecutive >= AUTO_PAUSE_CONSECUTIVE || (attempts >= AUTO_PAUSE_MIN_ATTEMPTS && failures / attempts > 0.5)) {
				void this.setPause(row.workspaceId, row.channelId, 'proactive_paused', `${failures} of ${attempts} proactive sends failed (${consecutive} in a row)`);
				health.proactive = { attempts: 0, failures: 0, consecutive: 0 };
			}
		}
		// A permanent refusal (number not on WhatsApp) says nothing about the channel.
		if (kind === 'permanent') return;
		health.consecutive++;
		if (kind === 'rate_limited') return this.open(row.channelId, `WhatsApp answered 429 (too many requests)${retryAfterMs ? `; retry after ${Math.round(retryAfterMs / 1000)} s` : ''}`);
		if (health.consecutive >= BREAKER_CONSECUTIVE_FAILURES) this.open(row.channelId, `${health.consecutive} sends in a row failed`);
	}

	private open(channelId: string, why: string): void {
		const health = this.health.get(channelId);
		if (!health || health.breaker.opened) return;
		this.paused.add(channelId);
		health.breaker.open();
		this.deps.logger.warn({ channelId, why }, 'outbox: circuit breaker open; the channel’s messages are held');
		void this.setPause(health.workspaceId, channelId, 'breaker_open', why);
	}

	private reopen(channelId: string, why: string): void {
		const health = this.health.get(channelId);
		if (!health) return;
		this.deps.logger.warn({ channelId, why }, 'outbox: breaker probe failed; staying open');
		health.breaker.open();
	}

	private async close(channelId: string): Promise<void> {
		const health = this.health.get(channelId);
		if (!health) return;
		health.consecutive = 0;
		health.breaker.close();
		this.paused.delete(channelId);
		this.deps.logger.info({ channelId }, 'outbox: breaker closed after a successful connectionState probe');
		await this.setPause(health.workspaceId, channelId, null, null, 'breaker_open');
	}

	private async probe(channelId: string): Promise<string | undefined> {
		const health = this.health.get(channelId);
		if (!health?.client || !health.instanceName) return undefined;
		const answer = await health.client.request<{ instance?: { state?: string } }>('GET', '/instance/connectionState', undefined, { instance: health.instanceName, timeout: 10_000 });
		return answer?.instance?.state;
	}

	/** Sets (or clears, when `only` matches) the channel's pause and publishes the channel view that says why. */
	async setPause(workspaceId: string, channelId: string, reason: OutboxPauseReason | null, detail: string | null, only?: OutboxPauseReason): Promise<boolean> {
		try {
			const { rows } = await this.deps.db.query(
				`UPDATE whatsapp_channels SET outbox_paused_reason = $3, outbox_paused_detail = $4, outbox_paused_at = CASE WHEN $3::text IS NULL THEN NULL ELSE now() END, updated_at = now()
				 WHERE workspace_id = $1 AND id = $2 AND ($5::text IS NULL OR outbox_paused_reason = $5) AND outbox_paused_reason IS DISTINCT FROM $3 RETURNING id`,
				[workspaceId, channelId, reason, detail, only ?? null],
			);
			if (!rows.length) return false;
			const [view] = await readChannelViews(this.deps.db, workspaceId, channelId);
			if (view) await this.deps.publisher.publish(workspaceId, [inboxEvent('channel.updated', { channelId, data: { ...view } })]);
			return true;
		} catch (error) {
			this.deps.logger.warn({ channelId, err: (error as Error).message }, 'outbox: could not record the channel pause');
			return false;
		}
	}

	shutdown(): void {
		for (const health of this.health.values()) health.breaker.shutdown();
	}
}
