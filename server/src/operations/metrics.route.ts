import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { bearerToken } from '../auth/caller-resolver';
import type { ServerMetrics } from './server-metrics';

export const METRICS_PATH = '/metrics';

function sameToken(given: string | undefined, expected: string): boolean {
	if (!given) return false;
	const a = Buffer.from(given);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}

/** GET /metrics in Prometheus' text format; with METRICS_TOKEN set, only for "Authorization: Bearer <METRICS_TOKEN>". */
export function registerMetricsRoute(app: FastifyInstance, metrics: ServerMetrics, token: string | undefined): void {
	app.route({
		method: 'GET',
		url: METRICS_PATH,
		config: { public: true },
		handler: async (request, reply) => {
			if (token && !sameToken(bearerToken(request.headers.authorization), token)) {
				request.log.warn({ ip: request.ip }, 'metrics refused: missing or wrong METRICS_TOKEN');
				return reply.code(401).header('www-authenticate', 'Bearer').send({ error: { code: 'unauthorized', message: 'Send "Authorization: Bearer <METRICS_TOKEN>".' } });
			}
			return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
		},
	});
}
