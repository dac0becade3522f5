import { z } from 'zod';

/** WAHA webhook envelope: {event, session, payload, …}; unknown keys pass through. */
export const wahaEnvelopeSchema = z
	.object({ event: z.string().min(1), session: z.string().optional(), payload: z.unknown() })
	.passthrough();

const media = z.object({ url: z.string().nullish(), mimetype: z.string().nullish(), filename: z.string().nullish() }).passthrough();

/** A WAHA message (event "message" / "message.any" / "message.ack"). Ids look like "false_5511…@c.us_3EB0…". */
export const wahaMessageSchema = z
	.object({
		id: z.string().min(1),
		timestamp: z.number().nullish(),
		from: z.string().nullish(),
		to: z.string().nullish(),
		fromMe: z.boolean().nullish(),
		participant: z.string().nullish(),
		body: z.string().nullish(),
		hasMedia: z.boolean().nullish(),
		media: media.nullish(),
		ack: z.number().nullish(),
		ackName: z.string().nullish(),
		replyTo: z.object({ id: z.string().nullish() }).passthrough().nullish(),
		location: z.object({ latitude: z.union([z.string(), z.number()]).nullish(), longitude: z.union([z.string(), z.number()]).nullish(), description: z.string().nullish() }).passthrough().nullish(),
		vCards: z.array(z.string()).nullish(),
		_data: z.record(z.unknown()).nullish(),
	})
	.passthrough();
export type WahaMessage = z.infer<typeof wahaMessageSchema>;

export const wahaReactionSchema = z
	.object({
		id: z.string().min(1),
		from: z.string().nullish(),
		to: z.string().nullish(),
		fromMe: z.boolean().nullish(),
		participant: z.string().nullish(),
		timestamp: z.number().nullish(),
		reaction: z.object({ text: z.string(), messageId: z.string().min(1) }),
	})
	.passthrough();

export const wahaSessionStatusSchema = z.object({ status: z.string() }).passthrough();
