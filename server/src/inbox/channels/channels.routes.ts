import { z } from 'zod/v4';
import { ApiError } from '../api/api-error';
import type { ApiRouter } from '../api/api-router';
import type { InboxApiDeps } from '../inbox-deps';
import { listChannelLog } from '../../channels/channel-log';
import { channelLogPageSchema } from '../../channels/channel-log-schema';
import { channelViewSchema } from '../../channels/channel-view-schema';
import { qrPng, qrSvg } from '../../channels/channel-qr-view';
import { channelQrViewSchema } from '../../channels/channel-qr-view-schema';
import type { Outbox } from '../../outbox/outbox';
import { outboxSettingsSchema } from '../../outbox/outbox-settings-schema';
import { editChannel, getChannel, listChannels } from './channels';

const channelParams = z.object({ channelId: z.uuid() });
const instanceName = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'Letters, digits, dot, dash and underscore only.');
// The number as WhatsApp writes it: country code and digits; spaces, dashes, parentheses and a leading + are dropped.
const phoneNumber = z
	.string()
	.max(40)
	.transform((v) => v.replace(/[\s()+.-]/g, ''))
	.pipe(z.string().regex(/^\d{8,15}$/, 'A phone number with country code, 8 to 15 digits (e.g. 5511999991234).'));

/** WhatsApp channels (provider instances). API keys go in sealed and never come back out. */
export function registerChannelRoutes(api: ApiRouter, deps: InboxApiDeps, outbox?: Pick<Outbox, 'replan'>): void {
	const { db, integrationsKey } = deps;

	api.add({
		method: 'GET',
		url: '/api/v1/channels',
		summary: 'List channels',
		tag: 'channels',
		access: 'member',
		response: z.object({ data: z.array(channelViewSchema) }),
		handler: async ({ caller }) => ({ data: await listChannels(db, caller.workspaceId) }),
	});

	api.add({
		method: 'POST',
		url: '/api/v1/channels',
		summary:
			'Add a channel (admin). By default the Evolution instance is created with this server\'s webhook already set and pairing starts (GET …/qr); ' +
			'instance "attach" points an existing instance\'s webhook here (409 when another receiver holds it, unless takeOver), "none" only stores the channel. ' +
			'The answer holds the webhook secret, shown only this once.',
		tag: 'channels',
		access: 'admin',
		successStatus: 201,
		body: z.object({
			name: z.string().trim().min(1).max(120),
			provider: z.enum(['evolution', 'waha']).default('evolution'),
			instanceName,
			baseUrl: z.url().max(500).optional().describe('Defaults to the server\'s Evolution (EVOLUTION_BASE_URL or the sandbox).'),
			apiKey: z
				.string()
				.min(1)
				.max(500)
				.optional()
				.describe('The Evolution key for this channel (the global key to create an instance; defaults to EVOLUTION_API_KEY); stored encrypted (AES-256-GCM), never returned.'),
			instance: z.enum(['create', 'attach', 'none']).default('create').describe('create: /instance/create; attach: an existing instance (/webhook/set); none: store only (WAHA always).'),
			takeOver: z.boolean().default(false).describe('attach: take the webhook over from another receiver; its configuration is restored when the channel is removed.'),
			connect: z.boolean().default(true).describe('create: start pairing at once (a QR, or a pairing code with phoneNumber).'),
			phoneNumber: phoneNumber.optional().describe('Pair by code instead of scanning: the number to link, with country code.'),
		}),
		response: z.object({ channel: channelViewSchema, webhookSecret: z.string().describe('Shown only this once') }),
		handler: async ({ caller, body }) => deps.channels.addChannel(caller.workspaceId, body),
	});

	api.add({
		method: 'GET',
		url: '/api/v1/channels/:channelId',
		summary: 'One channel',
		tag: 'channels',
		access: 'member',
		params: channelParams,
		response: channelViewSchema,
		handler: async ({ caller, params }) => getChannel(db, caller.workspaceId, params.channelId),
	});

	api.add({
		method: 'PATCH',
		url: '/api/v1/channels/:channelId',
		summary: 'Change a channel (admin): name, base URL, API key (null removes it), settings (merged)',
		tag: 'channels',
		access: 'admin',
		params: channelParams,
		body: z
			.object({
				name: z.string().trim().min(1).max(120),
				baseUrl: z.url().max(500),
				apiKey: z.string().min(1).max(500).nullable(),
				settings: z.looseObject({ outbox: outboxSettingsSchema.optional() }).describe('Merged into the stored settings; outbox is the sending pace.'),
			})
			.partial()
			.refine((v) => Object.keys(v).length > 0, 'Send at least one field to change.'),
		response: channelViewSchema,
		handler: async ({ caller, params, body }) => {
			const { channel, replanned } = await editChannel(db, integrationsKey, caller.workspaceId, params.channelId, body);
			// New pacing settings: the held proactive messages are planned again from them now, not at their old plans.
			if (replanned.length) await outbox?.replan(params.channelId, replanned);
			return channel;
		},
	});

	api.add({
		method: 'DELETE',
		url: '/api/v1/channels/:channelId',
		summary:
			'Delete a channel with its conversations and messages (admin). evolutionInstance: delete (the default for instances the server created) removes the Evolution instance; ' +
			'detach (the default for attached ones) leaves it and restores the webhook it had before a take-over.',
		tag: 'channels',
		access: 'admin',
		params: channelParams,
		query: z.object({ evolutionInstance: z.enum(['delete', 'detach']).optional() }),
		successStatus: 204,
		handler: async ({ caller, params, query }) => deps.channels.remove(caller.workspaceId, params.channelId, query.evolutionInstance),
	});

	api.add({
		method: 'POST',
		url: '/api/v1/channels/:channelId/connect',
		summary: 'Start pairing (admin): a QR refreshed about every 40 s for 3 minutes, or with phoneNumber an 8-character pairing code to type on the phone',
		tag: 'channels',
		access: 'admin',
		params: channelParams,
		body: z.object({ phoneNumber: phoneNumber.optional() }).default({}),
		response: channelQrViewSchema,
		handler: async ({ caller, params, body }) => deps.channels.connect(caller.workspaceId, params.channelId, body.phoneNumber),
	});

	api.add({
		method: 'GET',
		url: '/api/v1/channels/:channelId/qr',
		summary: 'The current QR while pairing: {code, pairingCode, image (PNG data URL), count, refreshedAt, expiresAt} (admin)',
		tag: 'channels',
		access: 'admin',
		params: channelParams,
		response: channelQrViewSchema,
		handler: async ({ caller, params }) => deps.channels.qr(caller.workspaceId, params.channelId),
	});

	for (const format of ['png', 'svg'] as const) {
		api.add({
			method: 'GET',
			url: `/api/v1/channels/:channelId/qr.${format}`,
			summary: `The current QR as ${format.toUpperCase()} (admin); 404 when the channel is not pairing`,
			tag: 'channels',
			access: 'admin',
			params: channelParams,
			handler: async ({ caller, params, reply }) => {
				const { code } = await deps.channels.qr(caller.workspaceId, params.channelId);
				if (!code) throw new ApiError(404, 'no_qr', 'This channel has no QR right now: start pairing with POST …/connect.');
				reply.header('cache-control', 'no-store');
				reply.type(format === 'png' ? 'image/png' : 'image/svg+xml');
				return format === 'png' ? qrPng(code) : qrSvg(code);
			},
		});
	}

	const action = (name: 'reconnect' | 'restart' | 'logout', summary: string) =>
		api.add({
			method: 'POST',
			url: `/api/v1/channels/:channelId/${name}`,
			summary,
			tag: 'channels',
			access: 'admin',
			params: channelParams,
			response: channelViewSchema,
			handler: async ({ caller, params }) =>
				name === 'reconnect'
					? deps.channels.reconnect(caller.workspaceId, params.channelId, 'admin')
					: name === 'restart'
						? deps.channels.restart(caller.workspaceId, params.channelId)
						: deps.channels.logout(caller.workspaceId, params.channelId),
		});
	action('reconnect', 'Reconnect now (admin): restart the instance and check it comes back; a channel that needs pairing gets a new QR');
	action('restart', 'Restart the Evolution instance (admin)');
	action('logout', 'Log the number out of WhatsApp (admin); connecting again needs a new QR');

	api.add({
		method: 'GET',
		url: '/api/v1/channels/:channelId/log',
		summary: 'The channel\'s log, newest first: every lifecycle step and state change (paged with before = nextCursor)',
		tag: 'channels',
		access: 'member',
		params: channelParams,
		query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), before: z.string().regex(/^\d{1,19}$/).optional() }),
		response: channelLogPageSchema,
		handler: async ({ caller, params, query }) => {
			await getChannel(db, caller.workspaceId, params.channelId);
			return listChannelLog(db, caller.workspaceId, params.channelId, query);
		},
	});

	api.add({
		method: 'POST',
		url: '/api/v1/channels/:channelId/webhook-secret',
		summary:
			'Rotate the webhook secret (admin); the answer holds the new secret, shown only this once. When the instance webhook points at this channel, ' +
			'its secret header is updated on Evolution too (502, nothing changed, when that fails).',
		tag: 'channels',
		access: 'admin',
		params: channelParams,
		handler: async ({ caller, params }) => deps.channels.rotateWebhookSecret(caller.workspaceId, params.channelId),
	});
}
