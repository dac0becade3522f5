import type { Db } from '../../src/db/db';
import { ADAPTERS, eventually } from '../inbox/support/inbox-app';
import { LONG, startOutboxHarness, type OutboxHarness } from './support/outbox-harness';

type Sent = { id: string; text: string | null; at: number };

// Friday 4 December 2026, 19:30 in São Paulo (UTC−3), which is Saturday 07:30 in Tokyo (UTC+9): a weekday evening
// after hours in one, a weekend morning in the other.
const FRIDAY_EVENING = Date.parse('2026-12-04T22:30:00Z');
// The next opening of a Monday-to-Friday 09:00–18:00 window in each zone: Monday 09:00 local.
const MONDAY_TOKYO = Date.parse('2026-12-07T00:00:00Z');
const MONDAY_SAO_PAULO = Date.parse('2026-12-07T12:00:00Z');
const WEEKDAYS = [1, 2, 3, 4, 5];

/**
 * The per-channel send window (hours, weekdays, time zone) on both database adapters: a proactive send accepted
 * outside it waits for the window's next opening in the channel's own time zone (its forecast says so), and goes out
 * once the window opens; a reply to a contact who just wrote is never held by it. The window is read on the pacing's
 * wall clock, which the test moves (a Friday evening, then just before each Monday opening) while everything else
 * keeps real time.
 */
describe.each(ADAPTERS)('outbox send window on %s', (_name, open: () => Promise<Db>) => {
	let h: OutboxHarness;
	beforeAll(async () => {
		h = await startOutboxHarness(open);
	});
	afterAll(async () => {
		await h?.close();
	});

	const call = (method: string, url: string, body?: unknown) => h.server.call(method, url, h.admin, body);
	const sends = async (instance: string): Promise<Sent[]> => (await h.sandbox.get(`/_sandbox/sends?instance=${instance}`)).body.sends;
	/** Stands the send window's clock on `wall`; answers the offset from real time it took. */
	const standClockOn = (wall: number) => {
		const clock = h.server.runtime.outbox!.pacing.wallClock;
		clock.offsetMs = wall - Date.now();
		return clock.offsetMs;
	};
	const at = (value: unknown) => new Date(value as string).getTime();

	it('holds a proactive send until the next opening in the channel’s time zone, skipping the weekend, and sends it then; replies go at once', async () => {
		const saoPaulo = await h.channel();
		const tokyo = await h.channel();
		for (const [channel, timeZone] of [
			[saoPaulo, 'America/Sao_Paulo'],
			[tokyo, 'Asia/Tokyo'],
		] as const) {
			const patched = await call('PATCH', `/api/v1/channels/${channel.id}`, { settings: { outbox: { warmup: false, sendWindow: { startHour: 9, endHour: 18, days: WEEKDAYS, timeZone } } } });
			expect(patched.statusCode).toBe(200);
		}
		const fridayOffset = standClockOn(FRIDAY_EVENING);

		// Accepted on a Friday evening: both forecast for Monday 09:00, each in its own zone.
		const proactive = async (channelId: string, text: string) => {
			const answer = await call('POST', '/api/v1/messages', { channelId, to: '+5511912345678', text, typing: false });
			expect(answer.statusCode).toBe(202);
			return answer.json();
		};
		const inSaoPaulo = await proactive(saoPaulo.id, 'Bom dia! Sua proposta está pronta.');
		const inTokyo = await proactive(tokyo.id, 'おはようございます');
		expect(inSaoPaulo).toMatchObject({ origin: 'proactive', status: 'queued', paced: true });
		expect(inTokyo).toMatchObject({ origin: 'proactive', status: 'queued', paced: true });
		expect(new Date(at(inSaoPaulo.expectedSendAt) + fridayOffset).toISOString()).toBe(new Date(MONDAY_SAO_PAULO).toISOString());
		expect(new Date(at(inTokyo.expectedSendAt) + fridayOffset).toISOString()).toBe(new Date(MONDAY_TOKYO).toISOString());
		// The worker holds it too (not only the forecast): it looked, and set it aside until the same opening.
		const held = await h.waitRow(inSaoPaulo.id, (row) => row.next_attempt_at !== null);
		expect(held).toMatchObject({ status: 'queued', paced: true, attempts: 0 });
		expect(at(held.expected_send_at) + fridayOffset).toBe(MONDAY_SAO_PAULO);

		// A reply to a contact who just wrote is not held by the window: it goes at once.
		const conversation = await h.conversation(saoPaulo);
		const reply = await call('POST', `/api/v1/conversations/${conversation.id}/messages`, { text: 'Olá! Já te respondo.', typing: false });
		expect(reply.json()).toMatchObject({ origin: 'reply', paced: false, expectedSendAt: null });
		expect((await h.waitRow(reply.json().id, (row) => row.status !== 'queued')).status).not.toBe('failed');
		expect((await sends(saoPaulo.name)).map((s) => s.text)).toEqual(['Olá! Já te respondo.']);
		expect(await h.row(inSaoPaulo.id)).toMatchObject({ status: 'queued', attempts: 0 });

		// Just before Monday 09:00 in Tokyo (Sunday 21:00 in São Paulo): Tokyo's message goes once its window opens…
		const tokyoOffset = standClockOn(MONDAY_TOKYO - 1_500);
		expect((await h.waitRow(inTokyo.id, (row) => row.status !== 'queued')).status).not.toBe('failed');
		const [tokyoSend] = await sends(tokyo.name);
		expect(tokyoSend.text).toBe('おはようございます');
		expect(tokyoSend.at + tokyoOffset).toBeGreaterThanOrEqual(MONDAY_TOKYO);
		// …while São Paulo's is looked at again on the moved clock and still held for its own Monday 09:00.
		await h.waitRow(inSaoPaulo.id, (row) => at(row.expected_send_at) + tokyoOffset === MONDAY_SAO_PAULO);
		expect(await h.row(inSaoPaulo.id)).toMatchObject({ status: 'queued', attempts: 0 });
		expect((await sends(saoPaulo.name)).map((s) => s.text)).toEqual(['Olá! Já te respondo.']);

		// Just before Monday 09:00 in São Paulo: it goes out when the window opens, once.
		const saoPauloOffset = standClockOn(MONDAY_SAO_PAULO - 1_500);
		expect((await h.waitRow(inSaoPaulo.id, (row) => row.status !== 'queued')).status).not.toBe('failed');
		const proactiveSends = (await sends(saoPaulo.name)).filter((s) => s.text === 'Bom dia! Sua proposta está pronta.');
		expect(proactiveSends).toHaveLength(1);
		expect(proactiveSends[0].at + saoPauloOffset).toBeGreaterThanOrEqual(MONDAY_SAO_PAULO);
		await eventually(async () => expect((await h.row(inSaoPaulo.id)).attempts).toBe(1), LONG);
		expect((await sends(tokyo.name)).map((s) => s.text)).toEqual(['おはようございます']);
	});
});
