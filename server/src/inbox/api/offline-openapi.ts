import Fastify from 'fastify';
import { DEFAULT_MEDIA_SETTINGS } from '../../media/create-media-library';
import type { MediaLibrary } from '../../media/media-library';
import type { AiService } from '../../ai/ai-service';
import type { Outbox } from '../../outbox/outbox';
import type { SyncService } from '../../sync/sync-service';
import type { InboxApiDeps } from '../inbox-deps';
import type { ReplyWaitQueue } from '../../reply-waits/reply-wait-queue';
import { API_VERSION, DEFAULT_AUTH, registerApiRoutes } from '../inbox-server';
import { ApiRouter } from './api-router';
import { buildOpenApiDocument } from './openapi-document';
import { OTHER_ROUTES } from './other-routes';

/**
 * The same OpenAPI document /docs serves, built without a database, Redis or a listening server: the routes are
 * registered on a throwaway Fastify instance whose handlers never run. The web app's API types are generated from
 * it (scripts/generate-web-api-types.mjs), and a test checks the committed types still match.
 */
export function buildOfflineOpenApiDocument(): Record<string, unknown> {
	const api = new ApiRouter(Fastify());
	// Registration reads only the auth settings and the upload limit; the handlers, which never run here, use the rest.
	registerApiRoutes(api, { auth: DEFAULT_AUTH } as InboxApiDeps, { outbox: {} as Outbox, media: { limits: DEFAULT_MEDIA_SETTINGS } as unknown as MediaLibrary, sync: {} as SyncService, ai: {} as AiService, replyWaits: {} as ReplyWaitQueue });
	return buildOpenApiDocument(api.routes, OTHER_ROUTES, { version: API_VERSION });
}
