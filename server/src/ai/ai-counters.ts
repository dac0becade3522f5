/**
 * What the AI counts, as a small port (like the outbox's): /metrics (prom-client) hooks in here; the default keeps
 * plain numbers in memory.
 */
export type AiOutcome = 'replied' | 'handed_off' | 'error' | 'away' | 'finished' | 'skipped';

export interface AiCounters {
	/** A burst ended (or one model call failed: error). */
	replyOutcome(outcome: AiOutcome): void;
	/** One model call: its tokens and how long it took. */
	modelCall(model: string, usage: { tokensIn: number; tokensOut: number }, ms: number): void;
}

export class InMemoryAiCounters implements AiCounters {
	readonly outcomes = new Map<AiOutcome, number>();
	tokensIn = 0;
	tokensOut = 0;
	calls = 0;

	replyOutcome(outcome: AiOutcome): void {
		this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
	}

	modelCall(_model: string, usage: { tokensIn: number; tokensOut: number }): void {
		this.calls++;
		this.tokensIn += usage.tokensIn;
		this.tokensOut += usage.tokensOut;
	}
}
