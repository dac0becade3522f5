import type { Db } from '../../src/db/db';
import { ADAPTERS } from '../inbox/support/inbox-app';
import { startOutboxHarness, type OutboxHarness } from './support/outbox-harness';

/**
 * One serialized stream per channel (evolution#439: parallel sends from one number got it banned), channels in
 * parallel: every send's time on the wire comes from whatsapp_logs (written as the call ends, with its latency).
 */
describe.each(ADAPTERS)('outbox streams per channel on %s', (_name, open: () => Promise<Db>) => {
	let h: OutboxHarness;
	beforeAll(async () => {
		h = await startOutboxHarness(open);
	});
	afterAll(async () => {
		await h?.close();
	});

	it('never sends two messages from one number at once, while two channels send at the same time', async () => {
		const channels = [await h.channel(), await h.channel()];
		const conversations = [await h.conversation(channels[0]), await h.conversation(channels[1])];
		// Every send takes 400 ms at the sandbox: long enough that overlaps would show.
		for (const channel of channels) await h.sandbox.post('/_sandbox/faults', { route: `/message/sendText/${channel.name}`, latencyMs: 400 });
		const ids: string[] = [];
		for (let i = 0; i < 5; i++) {
			for (const conversation of conversations) {
				const answer = await h.server.call('POST', `/api/v1/conversations/${conversation.id}/messages`, h.admin, { text: `fila ${i}`, typing: false });
				expect(answer.statusCode).toBe(202);
				ids.push(answer.json().id);
			}
		}
		for (const id of ids) expect((await h.waitRow(id, (row) => row.status !== 'queued')).status).not.toBe('failed');

		const { rows } = await h.db.query<{ channelId: string; endedAt: Date; latency: number }>(
			`SELECT channel_id AS "channelId", created_at AS "endedAt", latency_ms AS latency FROM whatsapp_logs WHERE message_id = ANY($1::uuid[]) AND operation = 'outbox_send' ORDER BY created_at`,
			[ids],
		);
		expect(rows).toHaveLength(10);
		const spans = rows.map((r) => ({ channelId: r.channelId, start: r.endedAt.getTime() - r.latency, end: r.endedAt.getTime() }));
		for (const span of spans) expect(span.end - span.start).toBeGreaterThanOrEqual(390);
		for (const channel of channels) {
			const own = spans.filter((s) => s.channelId === channel.id).sort((a, b) => a.start - b.start);
			expect(own).toHaveLength(5);
			// Each send starts after the one before it ended (a few ms of clock rounding allowed).
			for (let i = 1; i < own.length; i++) expect(own[i].start).toBeGreaterThanOrEqual(own[i - 1].end - 20);
		}
		const [first, second] = channels.map((c) => spans.filter((s) => s.channelId === c.id));
		const overlapping = first.some((a) => second.some((b) => a.start < b.end - 50 && b.start < a.end - 50));
		expect(overlapping).toBe(true);
	});
});
