/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { registerHealthRoute } from '../health/health.route';
import type { Runtime } from '../runtime/start-runtime';

/** The HTTP composition root: every feature registers its routes here. */
export function buildApp(runtime: Runtime): FastifyInstance {
	const app = Fastify({
		loggerInstance: runtime.logger as FastifyBaseLogger,
		bodyLimit: 5 * 1024 * 1024,
		disableRequestLogging: runtime.config.env === 'test',
	}) as unknown as FastifyInstance;
	registerHealthRoute(app, {
		db: runtime.db,
		redis: runtime.redis.client,
		redisMode: runtime.redis.mode,
		evolution: { baseUrl: runtime.evolution.baseUrl, sandbox: Boolean(runtime.evolution.sandbox) },
	});
	return app;
}
