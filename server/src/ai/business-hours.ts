import { WEEKDAYS, type AgentSettings, type Weekday } from './agent-settings';

/** The weekday and minutes since midnight at `now` in the time zone. */
function localTime(now: Date, timeZone: string): { day: Weekday; minutes: number } {
	const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
	const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
	const day = get('weekday').slice(0, 3).toLowerCase() as Weekday;
	return { day: WEEKDAYS.includes(day) ? day : 'sun', minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

const minutesOf = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/** Whether `now` falls in one of the day's open intervals, read in the agent's time zone (no hours set: always open). */
export function withinBusinessHours(hours: AgentSettings['businessHours'], now = new Date()): boolean {
	if (!hours) return true;
	const { day, minutes } = localTime(now, hours.timeZone);
	return (hours.days[day] ?? []).some((slot) => minutes >= minutesOf(slot.from) && minutes < minutesOf(slot.to));
}
