/**
 * What the outbox counts, as a small port: /metrics (prom-client) hooks in here without the outbox knowing it.
 * The default keeps plain numbers in memory (benchmarks and tests read them).
 */
export type SendOutcome = 'sent' | 'failed' | 'retried' | 'rate_limited' | 'adopted' | 'held';

export interface OutboxCounters {
	/** One send attempt ended (adopted: found already sent after an ambiguous failure, not sent again). */
	sendOutcome(channelId: string, outcome: SendOutcome): void;
	/** ms from queued to sent. */
	sendLatency(channelId: string, ms: number): void;
	/** The channel's breaker changed state. */
	breakerState(channelId: string, state: 'closed' | 'open' | 'half_open'): void;
}

export class InMemoryOutboxCounters implements OutboxCounters {
	readonly outcomes = new Map<SendOutcome, number>();
	readonly latencies: number[] = [];
	readonly breakers = new Map<string, string>();

	sendOutcome(_channelId: string, outcome: SendOutcome): void {
		this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
	}

	sendLatency(_channelId: string, ms: number): void {
		// Bounded: a long-running server keeps the last 100k.
		if (this.latencies.length >= 100_000) this.latencies.shift();
		this.latencies.push(ms);
	}

	breakerState(channelId: string, state: 'closed' | 'open' | 'half_open'): void {
		this.breakers.set(channelId, state);
	}
}
