import { z } from 'zod/v4';
import type { ApiRouter } from '../inbox/api/api-router';
import { syncRunSchema } from './sync-runs';
import type { SyncService } from './sync-service';

const channelParams = z.object({ channelId: z.uuid() });
const runParams = z.object({ channelId: z.uuid(), runId: z.uuid() });
// A chat as WhatsApp names it: a phone JID, an @lid, or a group.
const chatJid = z.string().regex(/^[0-9A-Za-z.:_-]{3,80}@(s\.whatsapp\.net|lid|g\.us)$/, 'A WhatsApp chat JID: 5511999991234@s.whatsapp.net, …@lid or …@g.us.');

/** History sync of a channel: start a run, watch its progress, cancel it; the first-connect setting. */
export function registerSyncRoutes(api: ApiRouter, sync: SyncService): void {
	api.add({
		method: 'POST',
		url: '/api/v1/channels/:channelId/syncs',
		summary:
			'Import the channel\'s past messages from Evolution (admin): the last `days` days of every chat (or only `chats`), as history — not unread, ' +
			'no notifications, no lead attribution. Answers the queued run; progress comes as sync.progress events and at GET …/syncs. 409 while a run is active.',
		tag: 'sync',
		access: 'admin',
		params: channelParams,
		successStatus: 202,
		body: z
			.object({
				days: z.number().int().min(1).max(3650).default(30).describe('How far back to import, in days (default 30).'),
				chats: z.array(chatJid).min(1).max(5000).optional().describe('Only these chats (JIDs); every chat when absent.'),
			})
			.default({ days: 30 }),
		response: syncRunSchema,
		handler: async ({ caller, params, body }) =>
			sync.startRun(caller.workspaceId, params.channelId, { days: body.days, chats: body.chats, requestedBy: caller.userId ?? undefined }),
	});

	api.add({
		method: 'GET',
		url: '/api/v1/channels/:channelId/syncs',
		summary: 'The channel\'s history sync runs, newest first, with their progress (chats done / total, messages imported, errors)',
		tag: 'sync',
		access: 'member',
		params: channelParams,
		query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
		response: z.object({ data: z.array(syncRunSchema) }),
		handler: async ({ caller, params, query }) => ({ data: await sync.list(caller.workspaceId, params.channelId, query.limit) }),
	});

	api.add({
		method: 'GET',
		url: '/api/v1/channels/:channelId/syncs/:runId',
		summary: 'One history sync run with its progress',
		tag: 'sync',
		access: 'member',
		params: runParams,
		response: syncRunSchema,
		handler: async ({ caller, params }) => sync.get(caller.workspaceId, params.channelId, params.runId),
	});

	api.add({
		method: 'POST',
		url: '/api/v1/channels/:channelId/syncs/:runId/cancel',
		summary: 'Cancel a history sync run (admin): a queued run ends at once, a running one after the pages in flight; what was imported stays',
		tag: 'sync',
		access: 'admin',
		params: runParams,
		response: syncRunSchema,
		handler: async ({ caller, params }) => sync.cancel(caller.workspaceId, params.channelId, params.runId),
	});

	api.add({
		method: 'PUT',
		url: '/api/v1/channels/:channelId/sync-settings',
		summary: 'Start a history sync by itself when the channel first connects (admin), importing `days` days',
		tag: 'sync',
		access: 'admin',
		params: channelParams,
		body: z.object({ syncOnFirstConnect: z.boolean(), days: z.number().int().min(1).max(3650).optional() }),
		handler: async ({ caller, params, body }) => sync.setFirstConnectSetting(caller.workspaceId, params.channelId, { enabled: body.syncOnFirstConnect, days: body.days }),
	});
}
