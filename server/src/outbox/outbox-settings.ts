/**
 * A channel's sending preferences, under `settings.outbox` of the channel (PATCH /api/v1/channels/:id
 * {settings: {outbox: {...}}}). Every field is optional; these are the defaults (anchor-inbox §e).
 */
export interface OutboxChannelSettings {
	/** Proactive sends per minute at most (default 30). Replies are not paced. */
	perMinute: number;
	/** Proactive sends per day at most, on top of warm-up (default none). */
	dailyCap: number | null;
	/** Warm-up by the number's age: 40 → 80 → 150 → 300 → 600 a day over three weeks (default on). */
	warmup: boolean;
	/** When the number was first used (ISO); default: when the channel was created. */
	numberSince: string | null;
	/** Proactive sends only inside this window: hours [start, end) on these weekdays (0 = Sunday) in this time zone. */
	sendWindow: { startHour: number; endHour: number; days: number[]; timeZone: string } | null;
	/** Typing simulation before sends (default on; a request may turn it off for itself). */
	typing: boolean;
}

export const DEFAULT_OUTBOX_SETTINGS: OutboxChannelSettings = {
	perMinute: 30,
	dailyCap: null,
	warmup: true,
	numberSince: null,
	sendWindow: null,
	typing: true,
};

const positiveInt = (value: unknown): number | undefined => (typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined);

/** Reads settings.outbox leniently: a wrong field falls back to its default rather than stopping the sends. */
export function outboxSettings(channelSettings: Record<string, unknown> | null | undefined): OutboxChannelSettings {
	const raw = (channelSettings?.outbox ?? {}) as Record<string, unknown>;
	const window = raw.sendWindow as Record<string, unknown> | null | undefined;
	const validWindow =
		window &&
		typeof window.startHour === 'number' &&
		typeof window.endHour === 'number' &&
		window.startHour >= 0 &&
		window.endHour <= 24 &&
		window.startHour < window.endHour
			? {
					startHour: window.startHour,
					endHour: window.endHour,
					days: Array.isArray(window.days) ? window.days.filter((d): d is number => Number.isInteger(d) && (d as number) >= 0 && (d as number) <= 6) : [0, 1, 2, 3, 4, 5, 6],
					timeZone: typeof window.timeZone === 'string' ? window.timeZone : 'America/Sao_Paulo',
				}
			: null;
	return {
		perMinute: positiveInt(raw.perMinute) ?? DEFAULT_OUTBOX_SETTINGS.perMinute,
		dailyCap: positiveInt(raw.dailyCap) ?? null,
		warmup: raw.warmup !== false,
		numberSince: typeof raw.numberSince === 'string' ? raw.numberSince : null,
		sendWindow: validWindow,
		typing: raw.typing !== false,
	};
}
