import { z } from 'zod/v4';
import { outboxSettingsSchema } from '../outbox/outbox-settings-schema';
import { CHANNEL_STATUSES } from './channel-status';

/**
 * A channel as the API and realtime show it (channel-view.ts selects it): whether it has an API key, never the key, the
 * instance token or the webhook secret. The schema documents the answers in OpenAPI, from which the web app's types
 * are generated; strict objects, so a test parsing a real answer with it fails when the view gains or renames a field
 * the schema does not have.
 */
export const channelViewSchema = z.strictObject({
	id: z.uuid(),
	name: z.string(),
	provider: z.enum(['evolution', 'waha']),
	instanceName: z.string(),
	baseUrl: z.string(),
	hasApiKey: z.boolean(),
	status: z.enum(CHANNEL_STATUSES).describe('The lifecycle state (server/src/channels/channel-status.ts)'),
	statusReason: z.string().nullable().describe('Why: a logged-out number (needs a new QR) is told apart from a dropped connection'),
	statusMessage: z.strictObject({ 'pt-BR': z.string(), en: z.string() }).nullable().describe('The reason as a sentence, pt-BR and English'),
	statusDetail: z.string().nullable().describe('What the provider said, when it said something more (an Evolution error, a WhatsApp code)'),
	statusCode: z.number().int().nullable().describe("WhatsApp's code for the last close (401 logged out, 403 forbidden, 428…)"),
	statusChangedAt: z.string().nullable(),
	needsPairing: z.boolean().describe('Someone has to scan a QR (or type a pairing code) before the channel works again'),
	instanceOwned: z.boolean().describe('The server created the Evolution instance: removing the channel deletes it unless asked to only detach'),
	phoneE164: z.string().nullable(),
	waJid: z.string().nullable(),
	profileName: z.string().nullable(),
	profilePictureUrl: z.string().nullable(),
	webhookPath: z.string().describe('Where the provider posts its webhooks'),
	settings: z
		.looseObject({ outbox: outboxSettingsSchema.optional() })
		.describe('Free-form per channel; settings.outbox holds the sending pace (server/src/outbox/outbox-settings.ts)'),
	connectedAt: z.string().nullable(),
	disconnectedAt: z.string().nullable(),
	lastEventAt: z.string().nullable(),
	healthFailures: z.number().int(),
	healthCheckedAt: z.string().nullable(),
	outboxPausedReason: z
		.string()
		.nullable()
		.describe("The outbox holding this channel's messages (breaker_open: all; proactive_paused: proactive sends), and why"),
	outboxPausedDetail: z.string().nullable(),
	createdAt: z.string(),
	updatedAt: z.string(),
});
