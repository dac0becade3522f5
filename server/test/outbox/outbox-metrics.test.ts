import type { Db } from '../../src/db/db';
import { ADAPTERS, eventually } from '../inbox/support/inbox-app';
import { LONG, startOutboxHarness, type OutboxHarness } from './support/outbox-harness';

/** A sample of Prometheus' exposition text; 0 while the series has not appeared. */
function sample(text: string, series: string): number {
	const line = text.split('\n').find((l) => l.startsWith(`${series} `));
	return line ? Number(line.slice(series.length + 1)) : 0;
}

const SENT = 'whatsapp_inbox_outbox_sends_total{outcome="sent"}';
const FAILED = 'whatsapp_inbox_outbox_sends_total{outcome="failed"}';
const RATE_LIMITED = 'whatsapp_inbox_outbox_sends_total{outcome="rate_limited"}';
const RETRIES = 'whatsapp_inbox_outbox_retries_total';
const LATENCY_COUNT = 'whatsapp_inbox_outbox_send_latency_seconds_count';
const LATENCY_SUM = 'whatsapp_inbox_outbox_send_latency_seconds_sum';
const breaker = (channelId: string) => `whatsapp_inbox_outbox_breaker_state{channel_id="${channelId}"}`;
const LIVE_STATES = ['waiting', 'active', 'delayed', 'prioritized'];

/**
 * /metrics (prom-client) after real sends through the sandbox, on both database adapters: sends by outcome, the
 * queued→sent latency histogram, retries, queue depth per channel and the breaker state per channel move with what
 * the outbox did. Sends get a generous timeout here, so a loaded machine cannot add a retry the test did not cause.
 */
describe.each(ADAPTERS)('outbox metrics on %s', (_name, open: () => Promise<Db>) => {
	let h: OutboxHarness;
	beforeAll(async () => {
		h = await startOutboxHarness(open, { OUTBOX_SEND_TIMEOUT_MS: '20000' });
	});
	afterAll(async () => {
		await h?.close();
	});

	const call = (method: string, url: string, body?: unknown) => h.server.call(method, url, h.admin, body);
	const reply = (conversationId: string, text: string) => call('POST', `/api/v1/conversations/${conversationId}/messages`, { text, typing: false });
	const scrape = async () => {
		const response = await fetch(`${h.server.url}/metrics`);
		expect(response.status).toBe(200);
		return response.text();
	};
	const depth = (text: string, channelId: string) => LIVE_STATES.reduce((sum, state) => sum + sample(text, `whatsapp_inbox_queue_jobs{queue="outbox-${channelId}",state="${state}"}`), 0);
	const settled = async (id: string) => h.waitRow(id, (row) => row.status !== 'queued');

	it('counts sends by outcome, their latency, retries, queue depth per channel and the breaker state', async () => {
		const before = await scrape();
		const delta = (text: string, series: string) => sample(text, series) - sample(before, series);

		// Channel A: three replies, the first two attempts answered 503 → 3 sent, 2 retries.
		const a = await h.channel();
		const conversationA = await h.conversation(a);
		await h.sandbox.post('/_sandbox/faults', { route: `/message/sendText/${a.name}`, errorRate: 1, errorStatus: 503, times: 2 });
		const ids = [];
		for (let i = 0; i < 3; i++) ids.push((await reply(conversationA.id, `métrica ${i}`)).json().id);
		for (const id of ids) expect((await settled(id)).status).not.toBe('failed');
		// A number that is not on WhatsApp: one failed send, not retried.
		const nobody = await h.conversation(a, '5511955550000');
		const refused = (await reply(nobody.id, 'Olá?')).json().id;
		expect((await settled(refused)).status).toBe('failed');
		const afterA = await scrape();
		expect(delta(afterA, SENT)).toBe(3);
		expect(delta(afterA, FAILED)).toBe(1);
		expect(delta(afterA, RETRIES)).toBe(2);
		expect(delta(afterA, LATENCY_COUNT)).toBe(3);
		expect(delta(afterA, LATENCY_SUM)).toBeGreaterThan(0);

		// Channel B: three proactive sends held by a send window that never opens → its queue holds 3; opened → 0.
		const b = await h.channel();
		await call('PATCH', `/api/v1/channels/${b.id}`, { settings: { outbox: { warmup: false, sendWindow: { startHour: 9, endHour: 18, days: [] } } } });
		const held = [];
		for (let i = 0; i < 3; i++) held.push((await call('POST', '/api/v1/messages', { channelId: b.id, to: `+55119130${String(40_001 + i)}`, text: `em espera ${i}`, typing: false })).json().id);
		await eventually(async () => expect(depth(await scrape(), b.id)).toBe(3), LONG);
		await call('PATCH', `/api/v1/channels/${b.id}`, { settings: { outbox: { sendWindow: null } } });
		for (const id of held) expect((await settled(id)).status).not.toBe('failed');
		await eventually(async () => expect(depth(await scrape(), b.id)).toBe(0), LONG);

		// Channel C: a 429 opens its breaker (2) and keeps it open while connectionState fails; once it answers, closed (0).
		const c = await h.channel();
		const conversationC = await h.conversation(c);
		await h.sandbox.post('/_sandbox/faults', { route: `/message/sendText/${c.name}`, rateLimit: { retryAfterSeconds: 1 }, times: 1 });
		const probeFault = (await h.sandbox.post('/_sandbox/faults', { route: `/instance/connectionState/${c.name}`, errorRate: 1, errorStatus: 503 })).body;
		const limited = (await reply(conversationC.id, 'depois do 429')).json().id;
		await eventually(async () => expect(sample(await scrape(), breaker(c.id))).toBe(2), LONG);
		await h.sandbox.delete(`/_sandbox/faults/${probeFault.id}`);
		await eventually(async () => expect(sample(await scrape(), breaker(c.id))).toBe(0), LONG);
		expect((await settled(limited)).status).not.toBe('failed');

		const after = await scrape();
		expect(delta(after, SENT)).toBe(3 + 3 + 1);
		expect(delta(after, LATENCY_COUNT)).toBe(3 + 3 + 1);
		expect(delta(after, FAILED)).toBe(1);
		expect(delta(after, RATE_LIMITED)).toBe(1);
		expect(delta(after, RETRIES)).toBe(2);
	});
});
