import type { Queue } from 'bullmq';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AiCounters, AiOutcome } from '../ai/ai-counters';
import type { OutboxCounters, SendOutcome } from '../outbox/outbox-counters';

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const;
const BREAKER_VALUE = { closed: 0, half_open: 1, open: 2 } as const;

/**
 * What /metrics shows (prom-client), one registry per server: queue depth per queue (the outbox has one per
 * channel) read from Redis at scrape time, the outbox's sends by outcome, latency, retries and breaker state (it
 * counts through the OutboxCounters port this implements), webhook deliveries by answer, media captures.
 */
export class ServerMetrics implements OutboxCounters, AiCounters {
	readonly registry = new Registry();
	private readonly sends: Counter<'outcome'>;
	private readonly retries: Counter;
	private readonly latency: Histogram;
	private readonly breakers: Gauge<'channel_id'>;
	private readonly webhooks: Counter<'provider' | 'status'>;
	private readonly captures: Counter<'via' | 'outcome'>;
	private readonly aiReplies: Counter<'outcome'>;
	private readonly aiTokens: Counter<'model' | 'direction'>;
	private readonly aiLatency: Histogram<'model'>;

	constructor(queues: () => readonly Queue[]) {
		collectDefaultMetrics({ register: this.registry, prefix: 'whatsapp_inbox_process_' });
		const registers = [this.registry];
		new Gauge({
			name: 'whatsapp_inbox_queue_jobs',
			help: 'Jobs in each BullMQ queue by state (outbox queues are per channel: outbox names carry the channel id)',
			labelNames: ['queue', 'state'],
			registers,
			async collect() {
				this.reset();
				for (const queue of queues()) {
					const counts = await queue.getJobCounts(...QUEUE_STATES).catch(() => undefined);
					if (!counts) continue;
					for (const state of QUEUE_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
				}
			},
		});
		this.sends = new Counter({ name: 'whatsapp_inbox_outbox_sends_total', help: 'Outbox send attempts by outcome', labelNames: ['outcome'], registers });
		this.retries = new Counter({ name: 'whatsapp_inbox_outbox_retries_total', help: 'Outbox sends scheduled for another attempt', registers });
		this.latency = new Histogram({
			name: 'whatsapp_inbox_outbox_send_latency_seconds',
			help: 'Time from queued to sent',
			buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
			registers,
		});
		this.breakers = new Gauge({ name: 'whatsapp_inbox_outbox_breaker_state', help: 'Circuit breaker per channel: 0 closed, 1 half open, 2 open', labelNames: ['channel_id'], registers });
		this.webhooks = new Counter({ name: 'whatsapp_inbox_webhooks_total', help: 'Webhook deliveries received, by provider and HTTP answer', labelNames: ['provider', 'status'], registers });
		this.captures = new Counter({ name: 'whatsapp_inbox_media_captures_total', help: 'Inbound media captures by path and outcome', labelNames: ['via', 'outcome'], registers });
		this.aiReplies = new Counter({ name: 'whatsapp_inbox_ai_replies_total', help: 'AI bursts by outcome (replied, handed_off, away, finished; error: one failed model call)', labelNames: ['outcome'], registers });
		this.aiTokens = new Counter({ name: 'whatsapp_inbox_ai_tokens_total', help: 'Tokens of the AI model calls, by model and direction (in: prompt, out: completion)', labelNames: ['model', 'direction'], registers });
		this.aiLatency = new Histogram({
			name: 'whatsapp_inbox_ai_call_latency_seconds',
			help: 'Time an AI model call took',
			labelNames: ['model'],
			buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
			registers,
		});
	}

	sendOutcome(_channelId: string, outcome: SendOutcome): void {
		this.sends.inc({ outcome });
		if (outcome === 'retried') this.retries.inc();
	}

	sendLatency(_channelId: string, ms: number): void {
		this.latency.observe(ms / 1000);
	}

	breakerState(channelId: string, state: 'closed' | 'open' | 'half_open'): void {
		this.breakers.set({ channel_id: channelId }, BREAKER_VALUE[state]);
	}

	webhookAnswered(provider: string, status: number): void {
		this.webhooks.inc({ provider, status: String(status) });
	}

	mediaCaptured(via: 'webhook' | 'fetch', outcome: string): void {
		this.captures.inc({ via, outcome });
	}

	replyOutcome(outcome: AiOutcome): void {
		this.aiReplies.inc({ outcome });
	}

	modelCall(model: string, usage: { tokensIn: number; tokensOut: number }, ms: number): void {
		this.aiTokens.inc({ model, direction: 'in' }, usage.tokensIn);
		this.aiTokens.inc({ model, direction: 'out' }, usage.tokensOut);
		this.aiLatency.observe({ model }, ms / 1000);
	}
}
