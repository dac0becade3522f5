import { z } from 'zod/v4';
import type { ApiRouter } from '../api/api-router';
import type { InboxApiDeps } from '../inbox-deps';
import { addChannel, editChannel, getChannel, listChannels, removeChannel, rotateWebhookSecret } from './channels';

const channelParams = z.object({ channelId: z.uuid() });
const instanceName = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'Letters, digits, dot, dash and underscore only.');

/** WhatsApp channels (provider instances). API keys go in sealed and never come back out. */
export function registerChannelRoutes(api: ApiRouter, deps: InboxApiDeps): void {
	const { db, integrationsKey } = deps;

	api.add({
		method: 'GET',
		url: '/api/v1/channels',
		summary: 'List channels',
		tag: 'channels',
		access: 'member',
		handler: async ({ caller }) => ({ data: await listChannels(db, caller.workspaceId) }),
	});

	api.add({
		method: 'POST',
		url: '/api/v1/channels',
		summary: 'Add a channel (admin); the answer holds the webhook secret, shown only this once',
		tag: 'channels',
		access: 'admin',
		successStatus: 201,
		body: z.object({
			name: z.string().trim().min(1).max(120),
			provider: z.enum(['evolution', 'waha']).default('evolution'),
			instanceName,
			baseUrl: z.url().max(500).optional().describe('Defaults to the server\'s Evolution (EVOLUTION_BASE_URL or the sandbox).'),
			apiKey: z.string().min(1).max(500).optional().describe('The instance API key; stored encrypted (AES-256-GCM), never returned.'),
		}),
		handler: async ({ caller, body }) =>
			addChannel(db, integrationsKey, caller.workspaceId, { ...body, baseUrl: (body.baseUrl ?? deps.evolution.baseUrl).replace(/\/+$/, '') }),
	});

	api.add({
		method: 'GET',
		url: '/api/v1/channels/:channelId',
		summary: 'One channel',
		tag: 'channels',
		access: 'member',
		params: channelParams,
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
				settings: z.record(z.string(), z.unknown()),
			})
			.partial()
			.refine((v) => Object.keys(v).length > 0, 'Send at least one field to change.'),
		handler: async ({ caller, params, body }) => editChannel(db, integrationsKey, caller.workspaceId, params.channelId, body),
	});

	api.add({
		method: 'DELETE',
		url: '/api/v1/channels/:channelId',
		summary: 'Delete a channel with its conversations and messages (admin)',
		tag: 'channels',
		access: 'admin',
		params: channelParams,
		successStatus: 204,
		handler: async ({ caller, params }) => removeChannel(db, caller.workspaceId, params.channelId),
	});

	api.add({
		method: 'POST',
		url: '/api/v1/channels/:channelId/webhook-secret',
		summary: 'Rotate the webhook secret (admin); the answer holds the new secret, shown only this once',
		tag: 'channels',
		access: 'admin',
		params: channelParams,
		handler: async ({ caller, params }) => rotateWebhookSecret(db, integrationsKey, caller.workspaceId, params.channelId),
	});
}
