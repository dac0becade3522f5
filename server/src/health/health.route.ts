import type { FastifyInstance } from 'fastify';
import { checkHealth, type HealthDependencies } from './health-check';

/** GET /health: 200 when Postgres, Redis and the Evolution upstream all answer, 503 otherwise, with each part's state. */
export function registerHealthRoute(app: FastifyInstance, deps: HealthDependencies): void {
	app.get('/health', async (_request, reply) => {
		const report = await checkHealth(deps);
		return reply.code(report.status === 'ok' ? 200 : 503).send(report);
	});
}
