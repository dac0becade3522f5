import type { Queryable } from '../db/db';
import { StatementBatcher } from '../db/statement-batcher';
import type { SendGate } from './outbox-sender';
import type { SendRow } from './outbox-store';
import { outboxSettings, type OutboxChannelSettings } from './outbox-settings';

/**
 * Pacing of proactive sends per channel (anchor-inbox §e: what gets numbers banned). Replies to a contact who wrote
 * in the last 24 h are never paced, nor held by the send window (the customer is waiting for the answer). For
 * proactive sends, before each one:
 * - the send window (hours and weekdays in the channel's time zone): outside it, wait for the next opening (the
 *   forecast, expectedSendAt, says when);
 * - at most `perMinute` in any minute (default 30), counted from the sends themselves (the rows' sent_at, so a
 *   Redis loss cannot reset it);
 * - spaced progressively with jitter: the gap is 60 s / perMinute × (1 … 1.6), doubled once 20 went in the last
 *   hour (the Whaticket rhythm), never below 60 s / perMinute so the cap holds whatever the jitter. A message the
 *   forecast planned (expectedSendAt) carries its jitter in its plan and goes at it (or later, when a rule says so);
 *   one without a plan draws its gap after the last send;
 * - a daily allowance: warm-up by the number's age (40 → 80 → 150 → 300 → 600 a day over three weeks) and the
 *   channel's daily cap.
 * Every period is multiplied by the time scale (tests and benchmarks); the send window's hours are not.
 */
export const WARMUP_STEPS: Array<[maxAgeDays: number, perDay: number]> = [
	[1, 40],
	[3, 80],
	[7, 150],
	[14, 300],
	[21, 600],
];
const PROGRESSIVE_AFTER = 20;
const JITTER = 0.6;

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export function warmupAllowance(numberAgeMs: number, timeScale = 1): number | null {
	const ageDays = numberAgeMs / (DAY * timeScale);
	for (const [maxAgeDays, perDay] of WARMUP_STEPS) if (ageDays < maxAgeDays) return perDay;
	return null;
}

/** Deterministic jitter in [0, 1) from the last send's time: re-checking the same gap gives the same answer. */
function jitterOf(seed: number): number {
	let x = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
	x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
	return ((x ^ (x >>> 16)) >>> 0) / 2 ** 32;
}

/**
 * When the worker looks again at a proactive message held until `until`: at that time when it is within a (scaled)
 * hour, which is pacing's own rhythm (a plan, a gap); otherwise within a (scaled) minute, so that a long hold (the
 * send window, a daily cap, a plan far down a campaign) follows a window moved meanwhile. Pacing holds are not looked
 * at every minute: a campaign of 40 a channel had every message planned beyond the first minute looked at once, all at
 * the same instant, a minute after it was accepted, and those looks (one at a time per channel, like its sends) made
 * the sends due then 2–3 s late (measured: p50 of send − forecast 0.97 s with the minute looks, 0.17 s without). A
 * change of the channel's pacing settings re-plans its held messages at once (Outbox.replan).
 */
export function lookAgainAt(until: number, now: number, timeScale: number): number {
	return withinPacingRhythm(until, now, timeScale) ? until : Math.min(until, now + Math.max(50, MINUTE * timeScale));
}

/** Whether `at` is within a (scaled) hour of `now`: pacing's own rhythm, not a send window or a next day's allowance. */
export function withinPacingRhythm(at: number, now: number, timeScale: number): boolean {
	return at - now <= HOUR * timeScale;
}

export function baseGapMs(settings: Pick<OutboxChannelSettings, 'perMinute'>, timeScale: number): number {
	return (MINUTE * timeScale) / settings.perMinute;
}

type SendWindow = NonNullable<OutboxChannelSettings['sendWindow']>;

// Making an Intl.DateTimeFormat costs far more than using one: one per time zone, kept.
const wallClockFormats = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const QUARTER_HOUR = 15 * MINUTE;
const nextQuarterHour = (at: number) => Math.floor(at / QUARTER_HOUR) * QUARTER_HOUR + QUARTER_HOUR;

/** Whether the window is open at `at` (on the wall clock of its time zone). */
function windowIsOpen(window: SendWindow, at: Date): boolean {
	let format = wallClockFormats.get(window.timeZone);
	if (!format) {
		format = new Intl.DateTimeFormat('en-US', { timeZone: window.timeZone, hourCycle: 'h23', weekday: 'short', hour: 'numeric', minute: 'numeric' });
		wallClockFormats.set(window.timeZone, format);
	}
	const parts = format.formatToParts(at);
	const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0) + Number(parts.find((p) => p.type === 'minute')?.value ?? 0) / 60;
	const weekday = WEEKDAYS.indexOf(parts.find((p) => p.type === 'weekday')?.value ?? 'Sun');
	return window.days.includes(weekday) && hour >= window.startHour && hour < window.endHour;
}

/** When the window is next open at or after `at` (or `at` itself when open); both read on the wall clock. */
export function nextWindowOpening(window: SendWindow, at: Date): Date {
	const probe = new Date(at);
	for (let i = 0; i < 8 * 24 * 4; i++) {
		if (windowIsOpen(window, probe)) return probe;
		probe.setTime(nextQuarterHour(probe.getTime()));
	}
	// No opening in a week (no weekdays chosen): held until someone changes the window.
	return probe;
}

/** When the window, open at `at`, next closes (the hours are whole or quarter hours, so quarter-hour steps find it). */
export function windowClosing(window: SendWindow, at: Date): Date {
	const probe = new Date(nextQuarterHour(at.getTime()));
	for (let i = 0; i < 8 * 24 * 4 && windowIsOpen(window, probe); i++) probe.setTime(nextQuarterHour(probe.getTime()));
	return probe;
}

interface Recent {
	lastMinute: number;
	oldestInMinute: Date | null;
	lastHour: number;
	lastDay: number;
	oldestInDay: Date | null;
	lastSentAt: Date | null;
}

/**
 * The wall clock the send window is read on: real time plus `offsetMs`, which is 0 in use. A test moves it to stand
 * on a Friday evening or a Monday morning (an opening hours or days away, reached at once) while everything else —
 * the database's clock, Redis' delays, the sandbox — keeps real time. The time scale does not apply to the window:
 * its hours are the calendar's.
 */
export interface WallClock {
	offsetMs: number;
}

export class Pacing implements SendGate {
	readonly wallClock: WallClock = { offsetMs: 0 };

	// What each channel sent lately, read for many channels in one statement when their steps look together.
	private readonly recents = new StatementBatcher<{ workspaceId: string; channelId: string }, Recent>({
		key: (channel) => `${channel.workspaceId} ${channel.channelId}`,
		one: async (channel) => (await this.recentMany([channel]))[0],
		many: (channels) => this.recentMany(channels),
		max: 200,
	});

	constructor(private readonly deps: { db: Queryable; timeScale: number }) {}

	private recent(workspaceId: string, channelId: string): Promise<Recent> {
		return this.recents.call({ workspaceId, channelId });
	}

	/** The proactive sends of several channels, in one statement (the steps of many channels look together). */
	private async recentMany(channels: Array<{ workspaceId: string; channelId: string }>): Promise<Recent[]> {
		const scale = this.deps.timeScale;
		// One index probe a channel (a LATERAL that OFFSET 0 keeps from being flattened into a join), whatever the
		// planner guesses of the input's size.
		const { rows } = await this.deps.db.query<Recent & { ord: string }>(
			`SELECT i.ord, r.* FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS i(w, c, ord)
			 CROSS JOIN LATERAL (
				SELECT count(*) FILTER (WHERE m.sent_at > now() - make_interval(secs => $3::float8))::int AS "lastMinute",
					min(m.sent_at) FILTER (WHERE m.sent_at > now() - make_interval(secs => $3::float8)) AS "oldestInMinute",
					count(*) FILTER (WHERE m.sent_at > now() - make_interval(secs => $4::float8))::int AS "lastHour",
					count(*)::int AS "lastDay", min(m.sent_at) AS "oldestInDay", max(m.sent_at) AS "lastSentAt"
				FROM whatsapp_messages m
				WHERE m.workspace_id = i.w AND m.channel_id = i.c AND m.origin = 'proactive' AND m.sent_at IS NOT NULL
					AND m.sent_at > now() - make_interval(secs => $5::float8) OFFSET 0) r`,
			[channels.map((c) => c.workspaceId), channels.map((c) => c.channelId), (MINUTE * scale) / 1000, (HOUR * scale) / 1000, (DAY * scale) / 1000],
			{ prepare: true },
		);
		const byOrd = new Map(rows.map(({ ord, ...recent }) => [Number(ord), recent]));
		return channels.map((_c, i) => byOrd.get(i + 1)!);
	}

	/** When the next proactive send of this channel may go (now when it may go now). */
	async nextSlot(row: Pick<SendRow, 'workspaceId' | 'channelId' | 'channelSettings' | 'channelCreatedAt'>, now = new Date()): Promise<Date> {
		return new Date(this.slotAfter(row, await this.recent(row.workspaceId, row.channelId), now));
	}

	/**
	 * The earliest time the rules allow. `planned`: the message has a time planned by the forecast, jitter included;
	 * the gap after the last send is then only the rule's floor (60 s / perMinute, doubled after 20 in the hour) and the
	 * plan supplies the rhythm. Without a plan the jitter is drawn here, after the last send.
	 */
	private slotAfter(row: Pick<SendRow, 'channelSettings' | 'channelCreatedAt'>, recent: Recent, now: Date, planned?: number): number {
		const scale = this.deps.timeScale;
		const settings = outboxSettings(row.channelSettings);
		let at = planned === undefined ? now.getTime() : Math.max(now.getTime(), planned);
		if (recent.lastMinute >= settings.perMinute && recent.oldestInMinute) at = Math.max(at, recent.oldestInMinute.getTime() + MINUTE * scale + 1);
		if (recent.lastSentAt) {
			const progressive = recent.lastHour >= PROGRESSIVE_AFTER ? 2 : 1;
			const jitter = planned === undefined ? 1 + JITTER * jitterOf(recent.lastSentAt.getTime()) : 1;
			at = Math.max(at, recent.lastSentAt.getTime() + baseGapMs(settings, scale) * progressive * jitter);
		}
		const allowance = this.dailyAllowance(row, settings, now);
		if (recent.lastDay >= allowance && recent.oldestInDay) at = Math.max(at, recent.oldestInDay.getTime() + DAY * scale + 1);
		return this.inWindow(settings, at);
	}

	private dailyAllowance(row: Pick<SendRow, 'channelCreatedAt'>, settings: OutboxChannelSettings, now: Date): number {
		const since = settings.numberSince ? Date.parse(settings.numberSince) : row.channelCreatedAt.getTime();
		const warm = settings.warmup ? warmupAllowance(now.getTime() - (Number.isNaN(since) ? row.channelCreatedAt.getTime() : since), this.deps.timeScale) : null;
		return Math.min(warm ?? Infinity, settings.dailyCap ?? Infinity);
	}

	private windowClosingAt(window: SendWindow, at: number): number {
		const shift = this.wallClock.offsetMs;
		return windowClosing(window, new Date(at + shift)).getTime() - shift;
	}

	/** `at`, or the send window's next opening when `at` falls outside it. */
	private inWindow(settings: OutboxChannelSettings, at: number): number {
		if (!settings.sendWindow) return at;
		const shift = this.wallClock.offsetMs;
		return nextWindowOpening(settings.sendWindow, new Date(at + shift)).getTime() - shift;
	}

	/**
	 * A message with a forecast (expectedSendAt: its planned time, jitter included) goes at that time, or later when the
	 * rules say so. Planned times are absolute: a send that went late (a busy worker, a slow answer) does not push every
	 * later one back by as much, as spacing each send from the last one did (measured: 2 s late at the median, 14 s at
	 * the 99th percentile after 40 sends a channel). A message without a forecast is spaced from the last send with
	 * jitter. A plan far beyond what the rules alone ask now, and not explained by the campaign queued ahead of it, was
	 * made under other rules and is made again from them (planStands). Answers when it may go, which is also the time to
	 * tell the sender.
	 */
	async holdUntil(row: SendRow, now = new Date()): Promise<{ until: Date; expectedAt: Date } | undefined> {
		const recent = await this.recent(row.workspaceId, row.channelId);
		const ruled = this.slotAfter(row, recent, now);
		const planned = row.expectedSendAt?.getTime();
		const until = planned !== undefined && (await this.planStands(row, planned - ruled)) ? this.slotAfter(row, recent, now, planned) : ruled;
		if (until <= now.getTime()) return undefined;
		return { until: new Date(until), expectedAt: new Date(until) };
	}


	/**
	 * Whether a plan `lead` ms beyond what the rules alone ask now still stands: within a (scaled) hour, or explained by
	 * the campaign queued ahead of it (each send before it at most a doubled, fully jittered gap). A longer lead was
	 * made under other rules (a window since moved, a wall clock moved in a test); honouring it would hold the message
	 * for nothing. A long campaign's later messages keep their plans, so they are not sent early and out of order.
	 */
	private async planStands(row: Pick<SendRow, 'id' | 'workspaceId' | 'channelId' | 'channelSettings' | 'expectedSendAt'>, lead: number): Promise<boolean> {
		const scale = this.deps.timeScale;
		if (lead <= HOUR * scale) return true;
		const { rows } = await this.deps.db.query<{ ahead: number }>(
			`SELECT count(*)::int AS ahead FROM whatsapp_messages
			 WHERE workspace_id = $1 AND channel_id = $2 AND status = 'queued' AND origin = 'proactive' AND expected_send_at < $3 AND id <> $4`,
			[row.workspaceId, row.channelId, row.expectedSendAt, row.id],
		);
		return lead <= (rows[0].ahead + 1) * baseGapMs(outboxSettings(row.channelSettings), scale) * 2 * (1 + JITTER);
	}

	/**
	 * The expected send times of `count` new proactive messages queued behind `queuedAhead` others: what the API
	 * answers (paced, expectedSendAt) before the worker gets to them. A forecast; the worker's check is the rule.
	 */
	async forecast(
		row: Pick<SendRow, 'workspaceId' | 'channelId' | 'channelSettings' | 'channelCreatedAt'>,
		queuedAhead: number,
		count: number,
		/** The latest planned time of the messages queued ahead: the new ones come after it, whatever the replay says. */
		lastPlannedAt?: Date | null,
		/** The instant the plan starts from: a planned time after it is a wait pacing asked for. */
		now = new Date(),
	): Promise<Date[]> {
		const scale = this.deps.timeScale;
		const settings = outboxSettings(row.channelSettings);
		const recent = await this.recent(row.workspaceId, row.channelId);
		// The worker's rules played forward, send by send, on the jitter's mean rhythm: the gap doubles once 20 went in
		// the last hour (the sends already made there are counted as staying in it: exact for the next hour, a little
		// slow after), the daily allowance moves a send to the next day, the send window to its next opening.
		const baseGap = baseGapMs(settings, scale);
		const meanGap = baseGap * (1 + JITTER / 2);
		const allowance = this.dailyAllowance(row, settings, now);
		// The played sends, in time order; `inHourFrom` is the first of them still within the hour before `at`.
		const played: number[] = [];
		let inHourFrom = 0;
		let at = this.slotAfter(row, recent, now);
		let dayStart = recent.oldestInDay?.getTime() ?? at;
		let sentToday = recent.lastDay;
		// The window is read once per opening, not once per send: known open until `openUntil`.
		let openUntil = settings.sendWindow ? this.windowClosingAt(settings.sendWindow, at) : Infinity;
		const times: Date[] = [];
		// `grid` advances by the mean gap; each send is planned at its grid point moved by its own jitter (± 30 % of a
		// gap, never closer to the previous send than the rule's floor). The jitter is not carried forward, so a long
		// campaign keeps the mean rhythm, and the worker sends each message at its planned time (holdUntil).
		let grid = at;
		for (let i = 0; i < queuedAhead + count; i++) {
			if (i > 0) {
				while (inHourFrom < played.length && played[inHourFrom] <= at - HOUR * scale) inHourFrom++;
				const inHour = recent.lastHour + played.length - inHourFrom;
				const progressive = inHour >= PROGRESSIVE_AFTER ? 2 : 1;
				grid += meanGap * progressive;
				// New messages come after those already planned, whatever the replay says (they are sent in that order).
				if (i === queuedAhead && lastPlannedAt) grid = Math.max(grid, lastPlannedAt.getTime() + meanGap * progressive);
				const jitter = baseGap * progressive * JITTER * (jitterOf(Math.round(grid)) - 0.5);
				at = Math.max(grid + jitter, at + baseGap * progressive);
				if (sentToday >= allowance) {
					at = Math.max(at, dayStart + DAY * scale + 1);
					dayStart = at;
					sentToday = 0;
					grid = at;
				}
				if (settings.sendWindow && at >= openUntil) {
					at = this.inWindow(settings, at);
					openUntil = this.windowClosingAt(settings.sendWindow, at);
					grid = at;
				}
			}
			played.push(at);
			sentToday++;
			if (i >= queuedAhead) times.push(new Date(at));
		}
		return times;
	}
}
