import type { FastifyInstance } from 'fastify';
import './caller';
import { bearerToken, type CallerResolver } from './caller-resolver';

/**
 * Resolves the caller of every /api/ request from its bearer token before the route runs, and turns away requests
 * to non-public routes without a valid one. Routes then scope every query by request.caller.workspaceId.
 */
export function installAuthHook(app: FastifyInstance, resolver: CallerResolver): void {
	app.decorateRequest('caller', null);
	app.addHook('onRequest', async (request, reply) => {
		const url = request.routeOptions.url ?? request.url;
		if (!url.startsWith('/api/')) return;
		const token = bearerToken(request.headers.authorization);
		request.caller = token ? ((await resolver.resolve(token)) ?? null) : null;
		if (!request.caller && request.routeOptions.config?.public !== true && request.routeOptions.url) {
			await reply.code(401).send({
				error: {
					code: 'unauthorized',
					message: token ? 'The token is invalid, expired or revoked; sign in again.' : 'Sign in first: send "Authorization: Bearer <token>".',
				},
			});
		}
	});
}
