import { METRICS_PATH } from '../../operations/metrics.route';
import { ADMIN_LOGIN_PATH, QUEUE_DASHBOARD_PATH } from '../../operations/queue-dashboard';
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
	{
		method: 'GET',
		url: METRICS_PATH,
		summary: 'Prometheus metrics: queue depth per queue, outbox sends by outcome, latency, retries, breaker state, webhooks, media captures',
		tag: 'operations',
		isPublic: true,
		description: 'Open unless METRICS_TOKEN is set; then send "Authorization: Bearer <METRICS_TOKEN>" (401 otherwise).',
	},
	{
		method: 'GET',
		url: ADMIN_LOGIN_PATH,
		summary: `Sign-in page of the queue dashboard (bull-board at ${QUEUE_DASHBOARD_PATH}, workspace admins only)`,
		tag: 'operations',
		isPublic: true,
	},
	{
		method: 'POST',
		url: ADMIN_LOGIN_PATH,
		summary: `Turns an admin's session token {token} into the dashboard's HttpOnly cookie (204); 401 without a session, 403 for an agent`,
		tag: 'operations',
		isPublic: true,
		description: `Then open ${QUEUE_DASHBOARD_PATH}. Requests there without an admin session are redirected to ${ADMIN_LOGIN_PATH} (pages) or answered 401 (its API).`,
	},
];
