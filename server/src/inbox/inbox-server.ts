import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod/v4';
import { registerApiTokenRoutes } from '../auth/api-tokens.routes';
import { registerAttendantRoutes } from '../auth/attendants.routes';
import { installAuthHook } from '../auth/auth-hook';
import { registerAuthRoutes } from '../auth/auth.routes';
import { CallerResolver } from '../auth/caller-resolver';
import { ChannelJobs } from '../channels/channel-jobs';
import { ChannelLifecycle } from '../channels/channel-lifecycle';
import { AiService } from '../ai/ai-service';
import type { AiCounters } from '../ai/ai-counters';
import { registerAiRoutes } from '../ai/ai.routes';
import type { MediaLibrary } from '../media/media-library';
import { registerMediaRoutes } from '../media/media.routes';
import { StoreMediaSource } from '../media/outbox-media-source';
import type { OutboxCounters } from '../outbox/outbox-counters';
import { DEFAULT_CHANNEL_TIMINGS } from '../channels/channel-timings';
import { Outbox } from '../outbox/outbox';
import { useOptOutWords } from '../outbox/opt-out';
import { registerOutboxRoutes } from '../outbox/outbox-routes';
import { createInboxPublisher } from '../realtime/create-inbox-publisher';
import { InboxEventPublisher } from '../realtime/inbox-event-publisher';
import { registerRealtime } from '../realtime/realtime.route';
import type { Runtime } from '../runtime/start-runtime';
import { createSupabaseServiceClient } from '../supabase/supabase-client';
import { registerSyncRoutes } from '../sync/sync-routes';
import { SyncService } from '../sync/sync-service';
import { SupabaseAuthVerifier } from '../supabase/supabase-auth';
import { DOCS_ASSETS_PATH, OPENAPI_JSON_PATH, sendViewerAsset, sendViewerPage, wantsViewer } from '../operations/api-docs-viewer';
import { ApiError } from './api/api-error';
import { DEFAULT_DELIVERY_SETTINGS, WebhookDeliveryQueue } from '../webhook-subscriptions/webhook-delivery-queue';
import { WebhookDispatcher } from '../webhook-subscriptions/webhook-dispatcher';
import { ReplyListener } from '../reply-waits/reply-listener';
import { ReplyWaitQueue } from '../reply-waits/reply-wait-queue';
import { registerReplyWaitRoutes } from '../reply-waits/reply-waits.routes';
import { registerWebhookSubscriptionRoutes } from '../webhook-subscriptions/webhook-subscriptions.routes';
import { installApiErrorHandler } from './api/api-error-handler';
import { ApiRouter } from './api/api-router';
import { installBoundedJsonParser } from './api/json-body-parser';
import { buildOpenApiDocument } from './api/openapi-document';
import { OTHER_ROUTES } from './api/other-routes';
import { registerChannelRoutes } from './channels/channels.routes';
import { registerConversationRoutes } from './conversations/conversations.routes';
import type { InboxApiDeps } from './inbox-deps';
import { registerCannedResponseRoutes } from './canned-responses/canned-responses.routes';
import { registerContactRoutes } from './contacts/contacts.routes';
import { registerLeadRoutes } from './leads/leads.routes';
import { registerMessageRoutes } from './messages/messages.routes';
import { registerNotificationRoutes } from './notifications/notifications.routes';
import { registerWorkspaceSettingsRoutes } from './workspace/workspace-settings.routes';

export const API_VERSION = '1.0.0';
export const DEFAULT_AUTH = { sessionTtlMs: 30 * 24 * 3_600_000, signupMode: 'first' as const, loginRateLimit: { max: 10, timeWindowMs: 15 * 60_000 } };
// JSON bodies of the inbox API are small; the app-wide limit is there for webhooks carrying media.
const API_BODY_LIMIT_BYTES = 256 * 1024;

/**
 * The attendance side of the server: the auth hook, the REST API under /api/v1 (with its OpenAPI document at
 * /docs) and the realtime WebSocket at /realtime. Uses runtime.publisher when it is the Redis-backed one, so
 * ingest's events and the API's reach the same sockets.
 */
export function registerInboxServer(app: FastifyInstance, runtime: Runtime, extras: { media: MediaLibrary; metrics?: OutboxCounters & AiCounters }): void {
	const publisher =
		runtime.publisher instanceof InboxEventPublisher
			? runtime.publisher
			: createInboxPublisher({ redis: runtime.redis.client, logger: runtime.logger, config: runtime.config });
	const supabase = runtime.config.supabase ? createSupabaseServiceClient(runtime.config.supabase) : undefined;
	const resolver = new CallerResolver(runtime.db, supabase ? new SupabaseAuthVerifier(supabase) : undefined);
	const timings = { ...DEFAULT_CHANNEL_TIMINGS, ...runtime.config.channels };
	const jobs = new ChannelJobs(runtime.redis.url, { prefix: runtime.config.queuePrefix, healthIntervalMs: timings.healthIntervalMs, logger: runtime.logger });
	runtime.queues.push(jobs.queue);
	const channels = new ChannelLifecycle({
		db: runtime.db,
		integrationsKey: runtime.integrationsKey,
		publisher,
		logger: runtime.logger,
		timings,
		evolution: { baseUrl: runtime.evolution.baseUrl, apiKey: runtime.evolution.apiKey },
		publicUrl: () => runtime.config.publicUrl ?? ownAddress(app, runtime.config.host),
		jobs,
	});
	app.addHook('onReady', () => jobs.start(channels));
	// History sync: its queue, the first-connect watcher on every published channel change, runs resumed at start.
	const sync = new SyncService({
		db: runtime.db,
		logger: runtime.logger,
		publisher,
		integrationsKey: runtime.integrationsKey,
		evolutionApiKey: runtime.evolution.apiKey,
		redisUrl: runtime.redis.url,
		queuePrefix: runtime.config.queuePrefix,
		requestTimeoutMs: timings.requestTimeoutMs,
	});
	runtime.queues.push(sync.queue);
	publisher.addSink(sync.connectionWatcher());
	app.addHook('onReady', async () => {
		sync.start();
		await sync.resumeUnfinished();
	});
	app.addHook('onClose', () => sync.close());
	// Outgoing webhook subscriptions: every published event is fanned out to the subscriptions that asked for it and
	// delivered from a BullMQ queue; deliveries the database still owes are queued again at start.
	const webhookQueue = new WebhookDeliveryQueue({
		db: runtime.db,
		integrationsKey: runtime.integrationsKey,
		logger: runtime.logger,
		redisUrl: runtime.redis.url,
		queuePrefix: runtime.config.queuePrefix,
		settings: runtime.config.webhookDeliveries ?? DEFAULT_DELIVERY_SETTINGS,
	});
	runtime.queues.push(webhookQueue.queue);
	const webhookDispatcher = new WebhookDispatcher({ db: runtime.db, logger: runtime.logger, queue: webhookQueue });
	publisher.addSink(webhookDispatcher);
	app.addHook('onReady', async () => {
		webhookQueue.start();
		void webhookQueue.resumeUnsettled().catch((error: Error) => runtime.logger.warn({ err: error.message }, 'webhook deliveries: resume failed'));
	});
	app.addHook('onClose', async () => {
		await webhookDispatcher.drain();
		await webhookQueue.close();
	});
	// Reply waits (n8n's Send and Wait for Reply): a contact's message closes the conversation's open waits, and a
	// BullMQ job POSTs it (or the timeout) to the execution's resume URL.
	const replyWaits = new ReplyWaitQueue({
		db: runtime.db,
		integrationsKey: runtime.integrationsKey,
		logger: runtime.logger,
		redisUrl: runtime.redis.url,
		queuePrefix: runtime.config.queuePrefix,
		settings: runtime.config.webhookDeliveries ?? DEFAULT_DELIVERY_SETTINGS,
	});
	runtime.queues.push(replyWaits.queue);
	const replyListener = new ReplyListener({ db: runtime.db, logger: runtime.logger, queue: replyWaits });
	publisher.addSink(replyListener);
	app.addHook('onReady', async () => {
		replyWaits.start();
		void replyWaits.recover().catch((error: Error) => runtime.logger.warn({ err: error.message }, 'reply waits: recovery failed'));
	});
	app.addHook('onClose', async () => {
		await replyListener.drain();
		await replyWaits.close();
	});
	// Run by main.ts once listening (a process start, not every app a test builds): stored channel states are re-checked,
	// and the instance webhooks are pointed at this server again where a new PUBLIC_URL or port moved it.
	runtime.startupTasks?.push(() => channels.recheckAtStart());
	runtime.startupTasks?.push(() => channels.checkWebhooksAtStart().then(() => undefined));
	app.addHook('onClose', () => jobs.close());
	const outboxSettings = runtime.config.outbox ?? { timeScale: 1, sendTimeoutMs: 20_000, reconcileMs: 30_000, optOutWords: [] };
	useOptOutWords(outboxSettings.optOutWords);
	const outbox = new Outbox({
		db: runtime.db,
		publisher,
		logger: runtime.logger,
		integrationsKey: runtime.integrationsKey,
		redisUrl: runtime.redis.url,
		queuePrefix: runtime.config.queuePrefix,
		fallbackApiKey: runtime.evolution.apiKey,
		timeScale: outboxSettings.timeScale,
		sendTimeoutMs: outboxSettings.sendTimeoutMs,
		reconcileMs: outboxSettings.reconcileMs,
		onQueue: (queue) => runtime.queues.push(queue),
		// mediaId sends read the file from the media store.
		media: new StoreMediaSource(extras.media),
		// Sends, latency, retries and breaker state for /metrics.
		...(extras.metrics ? { counters: extras.metrics } : {}),
	});
	runtime.outbox = outbox;
	app.addHook('onReady', async () => outbox.start());
	app.addHook('onClose', () => outbox.close());
	// The AI auto-reply: hears customer messages and attendant actions on the publisher, replies through the outbox.
	const aiSettings = runtime.config.ai ?? { sweepMs: 30_000, echoGraceMs: 5_000, onlineWindowMs: 10 * 60_000 };
	const ai = new AiService({
		db: runtime.db,
		publisher,
		logger: runtime.logger,
		integrationsKey: runtime.integrationsKey,
		outbox,
		redisUrl: runtime.redis.url,
		queuePrefix: runtime.config.queuePrefix,
		...aiSettings,
		media: extras.media,
		onQueue: (queue) => runtime.queues.push(queue),
		...(extras.metrics ? { counters: extras.metrics } : {}),
	});
	ai.attach(publisher);
	runtime.ai = ai;
	app.addHook('onReady', async () => ai.start());
	// Before the outbox closes (its replies go through it).
	app.addHook('preClose', () => ai.close());
	const deps: InboxApiDeps = {
		db: runtime.db,
		integrationsKey: runtime.integrationsKey,
		publisher,
		typing: publisher.typing,
		evolution: { baseUrl: runtime.evolution.baseUrl, apiKey: runtime.evolution.apiKey },
		auth: runtime.config.auth ?? DEFAULT_AUTH,
		channels,
	};

	installAuthHook(app, resolver);

	app.register(async (scope) => {
		installApiErrorHandler(scope);
		installBoundedJsonParser(scope);
		// Shared across replicas through Redis, so a client cannot multiply its attempts by the number of servers; under
		// the deployment's QUEUE_PREFIX, so deployments sharing one Redis (and test servers sharing the run's) keep their own counts.
		await scope.register(rateLimit, { global: false, redis: runtime.redis.client, nameSpace: `${runtime.config.queuePrefix ?? 'bull'}:inbox-rate-limit:`, hook: 'preHandler' });
		scope.addHook('onRoute', (route) => {
			route.bodyLimit ??= API_BODY_LIMIT_BYTES;
		});
		// Uploads to the media store (POST /api/v1/media); each route states its own file size limit.
		await scope.register(multipart, { limits: { fileSize: extras.media.limits.maxUploadBytes, files: 1 } });
		registerApiRoutes(new ApiRouter(scope), deps, { outbox, media: extras.media, sync, ai, replyWaits });
	});

	app.register(async (scope) => {
		await registerRealtime(scope, { db: runtime.db, redis: runtime.redis.client, resolver, publisher, typing: publisher.typing });
	});
}

/**
 * Every REST route of the inbox API, and /docs describing them. Registration only reads deps.auth (rate limits) and
 * the media store's upload limit; the handlers use the rest, which is what lets offline-openapi.ts build the document with no database.
 */
export function registerApiRoutes(api: ApiRouter, deps: InboxApiDeps, services: { outbox: Outbox; media: MediaLibrary; sync: SyncService; ai: AiService; replyWaits: ReplyWaitQueue }): void {
	registerAuthRoutes(api, deps);
	registerAttendantRoutes(api, deps);
	registerApiTokenRoutes(api, deps);
	registerChannelRoutes(api, deps, services.outbox);
	registerConversationRoutes(api, deps);
	registerLeadRoutes(api, deps);
	registerContactRoutes(api, deps);
	registerMessageRoutes(api, deps);
	registerNotificationRoutes(api, deps);
	registerOutboxRoutes(
		api,
		services.outbox,
		{
			check: (workspaceId, channelId) => services.ai.requireAgent(workspaceId, channelId),
			take: (caller, messageIds) => services.ai.takeReplies(caller, messageIds),
		},
		services.media,
	);
	registerMediaRoutes(api, services.media);
	registerWorkspaceSettingsRoutes(api, deps);
	registerSyncRoutes(api, services.sync);
	registerWebhookSubscriptionRoutes(api, deps);
	registerReplyWaitRoutes(api, deps, services.replyWaits);
	registerAiRoutes(api, services.ai);
	registerCannedResponseRoutes(api, deps);

	let document: Record<string, unknown> | undefined;
	const openApiDocument = () => (document ??= buildOpenApiDocument(api.routes, OTHER_ROUTES, { version: API_VERSION }));
	api.add({
		method: 'GET',
		url: '/docs',
		summary: 'The API reference: Swagger UI for a browser (Accept: text/html), this OpenAPI 3 document as JSON for any other client',
		tag: 'docs',
		access: 'public',
		handler: async ({ request, reply }) => (wantsViewer(request) ? sendViewerPage(reply) : openApiDocument()),
	});
	api.add({
		method: 'GET',
		url: OPENAPI_JSON_PATH,
		summary: 'This OpenAPI 3 document, always as JSON (the stable address for clients and code generators)',
		tag: 'docs',
		access: 'public',
		handler: async () => openApiDocument(),
	});
	api.add({
		method: 'GET',
		url: `${DOCS_ASSETS_PATH}/:file`,
		summary: "The API reference page's scripts, styles and icons (Swagger UI, served from this server)",
		tag: 'docs',
		access: 'public',
		params: z.object({ file: z.string().max(100) }),
		produces: 'application/octet-stream',
		handler: async ({ request, reply, params }) => {
			if (await sendViewerAsset(request, reply, params.file)) return reply;
			throw new ApiError(404, 'not_found', `No file ${params.file} in the API reference.`);
		},
	});
}

/** The server's own address when PUBLIC_URL is unset: where a local Evolution (the sandbox) reaches the webhooks. */
function ownAddress(app: FastifyInstance, host: string): string {
	const address = app.server.address();
	const port = typeof address === 'object' && address ? address.port : 0;
	const reachable = host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
	return `http://${reachable}:${port}`;
}
