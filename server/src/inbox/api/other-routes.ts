import { REALTIME_PATH } from '../../realtime/realtime.route';
import type { ExtraPath } from './openapi-document';

/**
 * Routes registered outside the inbox API's router, described by hand so the OpenAPI document lists everything
 * the server answers. A test compares the document with Fastify's route list: add a line here for a new one.
 */
export const OTHER_ROUTES: ExtraPath[] = [
	{
		method: 'GET',
		url: '/health',
		summary: 'Health of Postgres, Redis and the Evolution upstream: 200 when all answer, 503 otherwise',
		tag: 'operations',
		isPublic: true,
	},
	...(['evolution', 'waha'] as const).map(
		(provider): ExtraPath => ({
			method: 'POST',
			url: `/webhooks/${provider}/:channelId`,
			summary: `Webhook deliveries from ${provider === 'evolution' ? 'Evolution API' : 'WAHA'} for one channel`,
			tag: 'webhooks',
			isPublic: true,
			description: 'Authenticated by the channel\'s secret in the "x-webhook-secret" header (401 without it, 404 for an unknown channel).',
		}),
	),
	{
		method: 'GET',
		url: REALTIME_PATH,
		summary: 'WebSocket: realtime events (see server/API.md)',
		tag: 'realtime',
		description:
			'Upgrade to a WebSocket. Authenticate with "Authorization: Bearer <token>" or a first frame {"type":"auth","token"}; subscribe with {"type":"subscribe","channel":"workspace" | "whatsapp.conversation.{id}"}.',
	},
	{
		method: 'GET',
		url: '/*',
		summary: 'The attendance web app: its built files, and its page for any other path (the app routes in the browser)',
		tag: 'web',
		isPublic: true,
		description: 'Answers only what no other route does; unknown paths under /api/, /webhooks/, /docs and /health stay JSON 404s.',
	},
];
