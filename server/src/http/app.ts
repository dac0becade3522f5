import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { registerHealthRoute } from '../health/health.route';
import { createWebhookIngest } from '../ingest/create-webhook-ingest';
import { registerWebhookRoutes } from '../ingest/webhook.routes';
import { trackRoutes } from '../inbox/api/route-catalog';
import { registerInboxServer } from '../inbox/inbox-server';
import { createMediaInbound, createMediaLibrary, DEFAULT_MEDIA_SETTINGS } from '../media/create-media-library';
import { startDeletedContentPurge } from '../messages/deleted-content-purge';
import { registerMetricsRoute } from '../operations/metrics.route';
import { registerQueueDashboard } from '../operations/queue-dashboard';
import { ServerMetrics } from '../operations/server-metrics';
import type { Runtime } from '../runtime/start-runtime';
import { registerWebApp } from '../web/web-app.route';

/** The HTTP composition root: every feature registers its routes here. */
export function buildApp(runtime: Runtime): FastifyInstance {
	const app = Fastify({
		loggerInstance: runtime.logger as FastifyBaseLogger,
		bodyLimit: 5 * 1024 * 1024,
		// Fastify gives each plugin 10 s to start; the realtime plugin waits for its Redis subscriber, which on a loaded
		// machine (a cold start beside installs, or CI) took longer and failed the whole start. A real hang still fails.
		pluginTimeout: 120_000,
	}) as unknown as FastifyInstance;
	trackRoutes(app);
	registerHealthRoute(app, {
		db: runtime.db,
		redis: runtime.redis.client,
		redisMode: runtime.redis.mode,
		evolution: { baseUrl: runtime.evolution.baseUrl, sandbox: Boolean(runtime.evolution.sandbox) },
	});
	const metrics = new ServerMetrics(() => runtime.queues);
	app.addHook('onResponse', async (request, reply) => {
		const url = request.routeOptions.url ?? '';
		if (url.startsWith('/webhooks/')) metrics.webhookAnswered(url.split('/')[2] ?? 'unknown', reply.statusCode);
	});
	registerMetricsRoute(app, metrics, runtime.config.metricsToken);
	registerQueueDashboard(app, {
		db: runtime.db,
		queues: runtime.queues,
		secureCookie: /^https:/i.test(runtime.config.publicUrl ?? ''),
		operatorWorkspaceIds: runtime.config.operatorWorkspaceIds ?? [],
	});
	const media = createMediaLibrary(runtime);
	// Inbound media: ingest hands webhook base64 to a bounded in-memory buffer (never awaiting disk or Redis); the
	// background fetch (BullMQ, driven by database rows) gets the rest.
	const mediaInbound = createMediaInbound(runtime, media, metrics);
	runtime.queues.push(mediaInbound.fetch.queue);
	const ingest = createWebhookIngest({ ...runtime, media: mediaInbound.inline });
	registerWebhookRoutes(app, ingest, runtime.logger, { bodyLimit: runtime.config.webhookBodyLimit });
	// Deliveries already accepted are written before the server stops.
	app.addHook('onClose', () => ingest.close());
	app.addHook('onReady', async () => mediaInbound.fetch.start());
	// Deleted-for-everyone messages: their files and audit copies are forgotten in the background (migration 0065).
	let purge: { stop(): Promise<void> } | undefined;
	app.addHook('onReady', async () => {
		purge = startDeletedContentPurge(runtime.db, media.store, runtime.logger, runtime.config.media?.sweepIntervalMs ?? DEFAULT_MEDIA_SETTINGS.sweepIntervalMs);
	});
	app.addHook('onClose', async () => {
		await mediaInbound.inline.drain();
		await mediaInbound.fetch.close();
		await purge?.stop();
	});
	registerInboxServer(app, runtime, { media, metrics });
	// Last: the web app's wildcard GET answers only what no route above does.
	registerWebApp(app);
	return app;
}
