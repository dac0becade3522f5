import { z } from 'zod/v4';

/**
 * One line of a channel's log (channel-log.ts selects it): a lifecycle step, a state change, an alert or an error.
 * The schema documents the answers in OpenAPI, from which the web app's types are generated; strict objects, so a
 * test parsing a real answer with it fails when the view gains or renames a field the schema does not have.
 */
export const channelLogEntrySchema = z.strictObject({
	id: z.string().describe('A number as text; the next page is before = the last id'),
	kind: z.enum(['state', 'step', 'alert', 'error']),
	status: z.string().nullable().describe('The channel status the line is about, when it is about one'),
	reason: z.string().nullable(),
	message: z.string(),
	details: z.record(z.string(), z.unknown()).nullable().describe('What the step carried besides its message (never secrets)'),
	createdAt: z.string(),
});

/** GET /api/v1/channels/{id}/log: newest first. */
export const channelLogPageSchema = z.strictObject({
	data: z.array(channelLogEntrySchema),
	nextCursor: z.string().nullable().describe('`before` for the page of older lines'),
});
