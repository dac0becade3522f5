import { randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../../src/db/db';
import { createPgliteDb } from '../../src/db/pglite-db';
import { editChannel } from '../../src/inbox/channels/channels';
import { Pacing } from '../../src/outbox/pacing';
import type { SendRow } from '../../src/outbox/outbox-store';
import { openMigratedDb } from '../inbox/support/inbox-app';

/**
 * The forecast a proactive send is answered with (paced, expectedSendAt) plans each send, and the worker sends it then
 * (or later, when the rules say so): the progressive rhythm with jitter (the gap doubles once 20 went in the hour), the
 * daily allowance and the send window. On a
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
	const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
	// 60 s / 30 a minute: the rule's floor; the plan's rhythm is the jitter's mean (× 1 … 1.6), each send moved by its
	// own jitter (± 30 % of a gap) around its point on that rhythm, never closer to the one before than the floor.
	const BASE_GAP = 2_000;
	const MEAN_GAP = BASE_GAP * 1.3;
	const MAX_GAP = BASE_GAP * 1.9;
	// Over n gaps the jitter is not carried forward: only the last send's own (± 30 % of a gap) is left in the sum.
	const meanWithin = (gaps: number[], expected: number, progressive: number) => {
		expect(Math.abs(mean(gaps) - expected)).toBeLessThanOrEqual((BASE_GAP * progressive * 0.6) / gaps.length + 1);
	};

	it('spaces the first 20 sends of the hour by the mean gap with jitter, and doubles the gap after them', async () => {
		const pacing = new Pacing({ db, timeScale: 1 });
		const times = await pacing.forecast(channel({ perMinute: 30, warmup: false }), 0, 70);
		const gaps = gapsOf(times);
		expect(times[0].getTime()).toBeLessThanOrEqual(Date.now());
		const first = gaps.slice(0, 19);
		const after = gaps.slice(20);
		for (const gap of first) expect(gap).toBeGreaterThanOrEqual(BASE_GAP);
		for (const gap of first) expect(gap).toBeLessThanOrEqual(MAX_GAP);
		for (const gap of after) expect(gap).toBeGreaterThanOrEqual(BASE_GAP * 2);
		for (const gap of after) expect(gap).toBeLessThanOrEqual(MAX_GAP * 2);
		// Jittered, not a metronome; on the mean rhythm over the run.
		expect(new Set(first).size).toBeGreaterThan(10);
		meanWithin(first, MEAN_GAP, 1);
		meanWithin(after, MEAN_GAP * 2, 2);
	});

	it('counts the queue ahead: the 11th of a campaign behind 50 queued is the 61st send, and new sends come after the last one planned', async () => {
		const pacing = new Pacing({ db, timeScale: 1 });
		const settings = channel({ perMinute: 30, warmup: false });
		const alone = await pacing.forecast(settings, 0, 61);
		const behind = await pacing.forecast(settings, 50, 11);
		// The same rhythm point by point, each within its own jitter (both sides) of the other's.
		for (let i = 0; i <= 10; i++) expect(Math.abs(behind[i].getTime() - alone[50 + i].getTime())).toBeLessThanOrEqual(1_000 + 2 * 0.3 * 2 * BASE_GAP);
		// The replay knows nothing of a message planned later than it would have been (a window, a late worker): the
		// new ones follow it.
		const lastPlannedAt = new Date(alone[60].getTime() + 3_600_000);
		const after = await pacing.forecast(settings, 50, 3, lastPlannedAt);
		expect(after[0].getTime()).toBeGreaterThanOrEqual(lastPlannedAt.getTime() + BASE_GAP * 2);
		expect(after[0].getTime()).toBeLessThanOrEqual(lastPlannedAt.getTime() + MAX_GAP * 2);
	});

	it('moves the sends past the daily cap to the next day', async () => {
		const pacing = new Pacing({ db, timeScale: 1 });
		const times = await pacing.forecast(channel({ perMinute: 30, warmup: false, dailyCap: 10 }), 0, 12);
		const gaps = gapsOf(times);
		for (const gap of [...gaps.slice(0, 9), gaps[10]]) {
			expect(gap).toBeGreaterThanOrEqual(BASE_GAP);
			expect(gap).toBeLessThanOrEqual(MAX_GAP);
		}
		expect(times[10].getTime() - times[0].getTime()).toBeGreaterThanOrEqual(86_400_000);
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

/**
 * The worker sends a planned message at its plan: spacing each send from the actual time of the one before let every
 * late pick-up push all later sends back (in bench:outbox, 2 s late at the median and 15 s at the 99th percentile
 * after 40 sends a channel). The rule's floor (60 s / perMinute) still holds, and a plan made under other rules (far
 * beyond what they ask now, with no campaign ahead of it to explain the wait) is made again.
 */
describe('the worker and a planned send', () => {
	let db: Db;
	let workspaceId: string;
	let contactId: string;
	beforeAll(async () => {
		db = await openMigratedDb(() => createPgliteDb());
		workspaceId = (await db.query<{ id: string }>("INSERT INTO workspaces (name, slug) VALUES ('P', 'p-plan') RETURNING id")).rows[0].id;
		contactId = (await db.query<{ id: string }>("INSERT INTO contacts (workspace_id, phone_e164) VALUES ($1, '+5511900000200') RETURNING id", [workspaceId])).rows[0].id;
	});
	afterAll(async () => {
		await db?.close();
	});

	/** A channel whose last proactive send went `sentAgoMs` ago, and a queued message planned `plannedInMs` from now. */
	const plannedRow = async (sentAgoMs: number | null, plannedInMs: number, now: Date, queuedAhead = 0) => {
		const channelId = (
			await db.query<{ id: string }>(
				"INSERT INTO whatsapp_channels (workspace_id, name, instance_name, base_url, webhook_secret_hash) VALUES ($1, $2, $2, 'http://x', 'h') RETURNING id",
				[workspaceId, `c-${randomUUID()}`],
			)
		).rows[0].id;
		const conversationId = (
			await db.query<{ id: string }>('INSERT INTO whatsapp_conversations (workspace_id, channel_id, contact_id, chat_jid) VALUES ($1, $2, $3, $4) RETURNING id', [
				workspaceId,
				channelId,
				contactId,
				'5511900000200@s.whatsapp.net',
			])
		).rows[0].id;
		if (sentAgoMs !== null)
			await db.query(
				`INSERT INTO whatsapp_messages (workspace_id, channel_id, conversation_id, direction, from_me, type, body, status, origin, sent_at)
				 VALUES ($1, $2, $3, 'outbound', true, 'text', 'antes', 'sent', 'proactive', $4)`,
				[workspaceId, channelId, conversationId, new Date(now.getTime() - sentAgoMs)],
			);
		// A campaign queued ahead of it, planned every 5 s from now.
		if (queuedAhead > 0)
			await db.query(
				`INSERT INTO whatsapp_messages (workspace_id, channel_id, conversation_id, direction, from_me, type, body, status, origin, paced, expected_send_at)
				 SELECT $1, $2, $3, 'outbound', true, 'text', 'campanha ' || g, 'queued', 'proactive', true, $4::timestamptz + g * interval '5 seconds'
				 FROM generate_series(1, $5::int) g`,
				[workspaceId, channelId, conversationId, now, queuedAhead],
			);
		return {
			id: randomUUID(),
			workspaceId,
			channelId,
			channelSettings: { outbox: { perMinute: 30, warmup: false } },
			channelCreatedAt: new Date('2020-01-01T00:00:00Z'),
			expectedSendAt: new Date(now.getTime() + plannedInMs),
		} as unknown as SendRow;
	};

	it('sends at the plan once the floor since the last send has passed, without drawing a new gap after a late send', async () => {
		const pacing = new Pacing({ db, timeScale: 1 });
		const now = new Date();
		// Five channels whose last send went 2.05–2.45 s ago (the floor is 2 s) and whose next message's plan has come:
		// each goes now. Spaced from the last send with a fresh jitter (× 1 … 1.6), most of them would have waited.
		for (const sentAgo of [2_050, 2_150, 2_250, 2_350, 2_450]) expect(await pacing.holdUntil(await plannedRow(sentAgo, -100, now), now)).toBeUndefined();
		// The floor still holds: 1 s after the last send, a plan that has come waits for the floor (2 s after it).
		const early = await pacing.holdUntil(await plannedRow(1_000, -100, now), now);
		expect(early?.until.getTime()).toBe(now.getTime() + 1_000);
		// A plan ahead is kept, and told as it is.
		const ahead = await pacing.holdUntil(await plannedRow(10_000, 5_000, now), now);
		expect(ahead).toEqual({ until: new Date(now.getTime() + 5_000), expectedAt: new Date(now.getTime() + 5_000) });
	});

	it('makes a plan again from the rules when it lies far beyond what they ask and no campaign ahead of it explains that', async () => {
		const pacing = new Pacing({ db, timeScale: 1 });
		const now = new Date();
		// Planned two hours out under a send window since removed: nothing holds it now.
		expect(await pacing.holdUntil(await plannedRow(null, 2 * 3_600_000, now), now)).toBeUndefined();
		// The same lead behind a campaign of 1,500 planned before it (at most 6.4 s a send: 2.7 h) is the campaign's:
		// the message keeps its place in the line, not sent early.
		const behind = await pacing.holdUntil(await plannedRow(null, 2 * 3_600_000, now, 1_500), now);
		expect(behind?.until.getTime()).toBe(now.getTime() + 2 * 3_600_000);
		// Behind a short one (10 sends: about a minute) two hours is still too long: made again.
		expect(await pacing.holdUntil(await plannedRow(null, 2 * 3_600_000, now, 10), now)).toBeUndefined();
	});
});

describe('new pacing settings', () => {
	it("re-plan the channel's queued proactive sends: the worker plans them again from the new rules", async () => {
		const db = await openMigratedDb(() => createPgliteDb());
		try {
			const one = async (sql: string, params: unknown[]) => (await db.query<{ id: string }>(`${sql} RETURNING id`, params)).rows[0].id;
			const ws = await one("INSERT INTO workspaces (name, slug) VALUES ('R', 'r-replan')", []);
			const channelId = await one(
				"INSERT INTO whatsapp_channels (workspace_id, name, instance_name, base_url, webhook_secret_hash, settings) VALUES ($1, 'r', 'r', 'http://x', 'h', '{\"outbox\": {\"perMinute\": 2, \"warmup\": false}}')",
				[ws],
			);
			const contact = await one("INSERT INTO contacts (workspace_id, phone_e164) VALUES ($1, '+5511900000300')", [ws]);
			const conversation = await one('INSERT INTO whatsapp_conversations (workspace_id, channel_id, contact_id, chat_jid) VALUES ($1, $2, $3, $4)', [
				ws,
				channelId,
				contact,
				'5511900000300@s.whatsapp.net',
			]);
			const queued = (origin: string) =>
				one(
					`INSERT INTO whatsapp_messages (workspace_id, channel_id, conversation_id, direction, from_me, type, body, status, origin, paced, expected_send_at)
					 VALUES ($1, $2, $3, 'outbound', true, 'text', 'campanha', 'queued', $4, true, now() + interval '20 minutes')`,
					[ws, channelId, conversation, origin],
				);
			const [proactive, reply] = [await queued('proactive'), await queued('reply')];
			const planOf = async (id: string) => (await db.query<{ at: Date | null }>('SELECT expected_send_at AS at FROM whatsapp_messages WHERE id = $1', [id])).rows[0].at;

			// A name change leaves the plans alone; new pacing settings drop the proactive send's plan (not the reply's), and
			// name it to be looked at again now (never tried); one in a retry's back-off keeps its wait.
			const retrying = await queued('proactive');
			await db.query('UPDATE whatsapp_messages SET attempts = 1 WHERE id = $1', [retrying]);
			expect((await editChannel(db, randomBytes(32), ws, channelId, { name: 'Vendas' })).replanned).toEqual([]);
			expect(await planOf(proactive)).not.toBeNull();
			const edited = await editChannel(db, randomBytes(32), ws, channelId, { settings: { outbox: { perMinute: 60, warmup: false } } });
			expect(edited.channel.name).toBe('Vendas');
			expect(edited.replanned).toEqual([proactive]);
			expect(await planOf(proactive)).toBeNull();
			expect(await planOf(retrying)).toBeNull();
			expect(await planOf(reply)).not.toBeNull();
			await expect(editChannel(db, randomBytes(32), ws, randomUUID(), { settings: { outbox: { perMinute: 60 } } })).rejects.toThrow(/not found/i);
		} finally {
			await db.close();
		}
	});
});
