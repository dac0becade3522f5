import type { Readable } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { WebhookChannel } from '../channels/channel-webhook-directory';
import { WEBHOOK_SECRET_HEADER } from '../channels/webhook-secret';
import { clientStatusOfDbError } from '../db/db-error';
import { JsonBodyError, parseBoundedJson } from '../http/bounded-json';
import type { Logger } from '../logging/logger';
import { isDbUnavailableError } from '../db/retryable-error';
import { readWebhookBody } from './webhook-body-reader';
import { unavailableAnswer, type IngestAnswer, type WebhookIngest } from './webhook-ingest';

/**
 * Evolution with webhookBase64 puts whole media files in the body; 32 MB fits a ~24 MB file. A larger body is read
 * on with its base64 left out (webhook-body-reader.ts), up to DEFAULT_WEBHOOK_READ_LIMIT received.
 */
export const DEFAULT_WEBHOOK_BODY_LIMIT = 32 * 1024 * 1024;
/** WhatsApp's largest documents (2 GB) as base64, with room for the rest of the body. */
export const DEFAULT_WEBHOOK_READ_LIMIT = 3 * 1024 * 1024 * 1024;

const PROVIDERS = ['evolution', 'waha'] as const;

function webhookErrorCode(status: number, code: string | undefined): string {
	if (status === 413) return 'payload_too_large';
	if (status === 500) return 'internal_error';
	if (status === 422) return 'unstorable_webhook';
	return code === 'body_too_deep' ? 'body_too_deep' : 'invalid_webhook';
}

/**
 * POST /webhooks/evolution/:channelId and /webhooks/waha/:channelId. The secret header is checked before the body
 * is read (401), bodies over the limit get 413, bad JSON 400, JSON nested deeper than
 * MAX_JSON_DEPTH 400 body_too_deep (before anything walks it), unknown shapes 422; each answer says why.
 */
export function registerWebhookRoutes(app: FastifyInstance, ingest: WebhookIngest, logger: Logger, options: { bodyLimit?: number; maxBytes?: number } = {}): void {
	const bodyLimit = options.bodyLimit ?? DEFAULT_WEBHOOK_BODY_LIMIT;
	const maxBytes = Math.max(bodyLimit, options.maxBytes ?? DEFAULT_WEBHOOK_READ_LIMIT);
	const channels = new WeakMap<FastifyRequest, WebhookChannel>();
	const received = new WeakMap<FastifyRequest, { sha256: string; text: string; at: number }>();

	void app.register(async (scope) => {
		scope.removeAllContentTypeParsers();
		scope.addContentTypeParser('application/json', async (request: FastifyRequest, payload: Readable) => {
			const body = await readWebhookBody(payload, { limit: bodyLimit, maxBytes });
			const text = body.buffer.toString('utf8');
			received.set(request, { sha256: body.sha256, text, at: Date.now() });
			if (body.mediaLeftOut) {
				logger.info(
					{ channelId: channels.get(request)?.id, receivedBytes: body.receivedBytes, keptBytes: body.buffer.length },
					'webhook body over the limit: its base64 media left out (the files are fetched in the background)',
				);
			}
			try {
				// NULs are dropped rather than refused: Evolution would retry a refused body for 20 minutes.
				return parseBoundedJson(text, { nul: 'strip' });
			} catch (error) {
				const refusal = error instanceof JsonBodyError ? error : new JsonBodyError('invalid_json', 'body is not valid JSON');
				throw Object.assign(new Error(refusal.message), { statusCode: 400, code: refusal.code });
			}
		});

		scope.setErrorHandler((error: FastifyError, request, reply) => {
			// A value the database refuses (out of range, badly encoded, too large for an index) fails the same way on every
			// retry: 422, so Evolution does not send it again for 20 minutes.
			const refusedValue = clientStatusOfDbError(error) === 400;
			const status = refusedValue ? 422 : error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
			const channel = channels.get(request);
			const reason = status === 413 ? error.message || `body is larger than ${bodyLimit} bytes` : status === 500 ? 'internal error; the delivery can be retried' : error.message;
			if (status === 500) logger.error({ err: error, channelId: channel?.id, route: request.routeOptions.url }, 'webhook failed');
			else logger.warn({ channelId: channel?.id, route: request.routeOptions.url, status, reason }, 'webhook rejected');
			if (refusedValue) logger.warn({ err: error, channelId: channel?.id }, 'webhook refused by the database');
			if (channel && (status === 400 || refusedValue)) void ingest.recordRejected(channel, undefined, status, reason, received.get(request)?.sha256 ?? null, null);
			void reply.code(status).send({ error: webhookErrorCode(status, error.code), reason });
		});

		for (const provider of PROVIDERS) {
			scope.post<{ Params: { channelId: string } }>(
				`/webhooks/${provider}/:channelId`,
				{
					bodyLimit,
					// Thousands a minute: the audit table keeps each delivery; the log gets rejections (warn) and failures.
					logLevel: 'warn',
					onRequest: async (request, reply) => {
						const secret = request.headers[WEBHOOK_SECRET_HEADER];
						const result = await ingest.authenticate(provider, request.params.channelId, typeof secret === 'string' ? secret : undefined).catch((error: unknown) => {
							if (isDbUnavailableError(error)) return 'unavailable' as const;
							throw error;
						});
						if (result === 'unavailable') {
							const answer = unavailableAnswer() as Extract<IngestAnswer, { status: 503 }>;
							return reply.code(503).header('retry-after', String(answer.retryAfterSeconds)).send(answer.body);
						}
						if (result === 'unknown') return reply.code(404).send({ error: 'unknown_channel', reason: `no ${provider} channel with this id` });
						if (result === 'unauthorised') {
							logger.warn({ channelId: request.params.channelId, provider }, 'webhook with a missing or wrong secret');
							return reply.code(401).send({ error: 'unauthorized', reason: `missing or wrong ${WEBHOOK_SECRET_HEADER} header` });
						}
						channels.set(request, result);
					},
				},
				async (request, reply) => {
					const channel = channels.get(request) as WebhookChannel;
					if (request.body === undefined || request.body === null) {
						await ingest.recordRejected(channel, undefined, 400, 'empty body', null, null);
						return reply.code(400).send({ error: 'invalid_webhook', reason: 'empty body: expected a JSON webhook' });
					}
					const answer = await ingest.ingest(channel, request.body, received.get(request) ?? { sha256: '' });
					if ('retryAfterSeconds' in answer) void reply.header('retry-after', String(answer.retryAfterSeconds));
					return reply.code(answer.status).send(answer.body);
				},
			);
		}
	});
}
