import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/db/db';
import { createPgliteDb } from '../../src/db/pglite-db';
import { Pacing } from '../../src/outbox/pacing';
import { openMigratedDb } from '../inbox/support/inbox-app';

/**
 * The forecast a proactive send is answered with (paced, expectedSendAt) plays the worker's rules forward, send by send:
 * the progressive rhythm (the gap doubles once 20 went in the hour), the daily allowance and the send window. On a
 * channel with nothing sent yet, at real time (scale 1), so every figure is exact.
 */
describe('the pacing forecast', () => {
	let db: Db;
	beforeAll(async () => {
		db = await openMigratedDb(() => createPgliteDb());
	});
	afterAll(async () => {
		await db?.close();
	});

	const channel = (outbox: Record<string, unknown>) => ({
		workspaceId: randomUUID(),
		channelId: randomUUID(),
		channelSettings: { outbox },
		channelCreatedAt: new Date('2020-01-01T00:00:00Z'),
	});
	const gapsOf = (times: Date[]) => times.slice(1).map((at, i) => at.getTime() - times[i].getTime());
	// 60 s / 30 a minute, at the mean of the jitter (× 1 … 1.6).
	const MEAN_GAP = 2_000 * 1.3;

	it('spaces the first 20 sends of the hour by the mean gap, and doubles the gap after them', async () => {
		const pacing = new Pacing({ db, timeScale: 1 });
		const times = await pacing.forecast(channel({ perMinute: 30, warmup: false }), 0, 70);
		const gaps = gapsOf(times);
		expect(times[0].getTime()).toBeLessThanOrEqual(Date.now());
		expect(gaps.slice(0, 19)).toEqual(Array.from({ length: 19 }, () => MEAN_GAP));
		expect(gaps.slice(19)).toEqual(Array.from({ length: 50 }, () => MEAN_GAP * 2));
	});

	it('counts the queue ahead: the 11th of a campaign behind 50 queued is the 61st send', async () => {
		const pacing = new Pacing({ db, timeScale: 1 });
		const settings = channel({ perMinute: 30, warmup: false });
		const alone = await pacing.forecast(settings, 0, 61);
		const behind = await pacing.forecast(settings, 50, 11);
		expect(behind[10].getTime() - behind[0].getTime()).toBe(alone[60].getTime() - alone[50].getTime());
		expect(behind[10].getTime() - alone[60].getTime()).toBeLessThan(1_000);
	});

	it('moves the sends past the daily cap to the next day', async () => {
		const pacing = new Pacing({ db, timeScale: 1 });
		const times = await pacing.forecast(channel({ perMinute: 30, warmup: false, dailyCap: 10 }), 0, 12);
		const gaps = gapsOf(times);
		expect(gaps.slice(0, 9)).toEqual(Array.from({ length: 9 }, () => MEAN_GAP));
		expect(times[10].getTime() - times[0].getTime()).toBeGreaterThanOrEqual(86_400_000);
		expect(gaps[10]).toBe(MEAN_GAP);
	});

	it('holds the sends that fall outside the send window until it opens again', async () => {
		const pacing = new Pacing({ db, timeScale: 1 });
		// Open one hour a day (its own time zone's clock): 40 sends at ~2.6 s then ~5.2 s fit in it when it is open now;
		// whenever it is closed, the first send already waits for the opening, on the hour.
		const times = await pacing.forecast(channel({ perMinute: 30, warmup: false, sendWindow: { startHour: 9, endHour: 10, days: [0, 1, 2, 3, 4, 5, 6], timeZone: 'America/Sao_Paulo' } }), 0, 2_000);
		const hourOf = (at: Date) => Number(new Intl.DateTimeFormat('en-US', { timeZone: 'America/Sao_Paulo', hourCycle: 'h23', hour: 'numeric' }).format(at));
		expect(times.every((at) => hourOf(at) === 9)).toBe(true);
		// 2,000 sends at ≥ 5.2 s cannot fit in one hour: the later ones go on the following days.
		expect(times[times.length - 1].getTime() - times[0].getTime()).toBeGreaterThan(86_400_000);
	});
});
