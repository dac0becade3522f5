import { z } from 'zod/v4';
import { isTimeZone } from '../infra/time-zone';

/**
 * settings.outbox, the channel's sending pace (outbox-settings.ts reads it), as PATCH /api/v1/channels/{id} takes it
 * and the channel view shows it back. Checked on the way in so a wrong value is a 400 naming the field, not a pace
 * that silently falls back to its default; every field is optional (absent ones take the defaults) and other keys
 * pass through untouched.
 */
export const outboxSettingsSchema = z.looseObject({
	perMinute: z.number().int().min(1).max(10_000).optional().describe('Proactive sends per minute at most (default 30).'),
	dailyCap: z.number().int().min(1).max(1_000_000).nullable().optional().describe('Proactive sends per day at most (null: none).'),
	warmup: z.boolean().optional().describe("Warm-up by the number's age (default on)."),
	numberSince: z.iso.datetime({ offset: true }).nullable().optional(),
	sendWindow: z
		.object({
			startHour: z.number().int().min(0).max(23),
			endHour: z.number().int().min(1).max(24),
			days: z.array(z.number().int().min(0).max(6)).max(7).optional().describe('Weekdays, 0 = Sunday (default: every day).'),
			timeZone: z.string().max(64).refine(isTimeZone, 'an IANA time zone such as America/Sao_Paulo').optional(),
		})
		.refine((w) => w.startHour < w.endHour, { message: 'endHour must come after startHour' })
		.nullable()
		.optional()
		.describe('Proactive sends only inside these hours (null: any time).'),
	typing: z.boolean().optional(),
});
