/** One REST route of the simulated Evolution server: guards, then the handler, then JSON with the route's status. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import type { ConnectionLifecycle } from '../connection/lifecycle';
import type { InstanceState } from '../domain/instance-state';
import type { SandboxWorld } from '../world';
import { type GuardKind, runGuards } from './guards';

/** Request bodies are untrusted JSON that handlers validate first; loose typing is deliberate here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- handlers index the body before validating it
export type JsonBody = Record<string, any>;

export interface RouteContext {
	request: FastifyRequest;
	reply: FastifyReply;
	/** The route's instance (instance routes only). */
	instance: InstanceState;
	body: JsonBody;
	query: Record<string, string>;
}

export interface RouteDefinition {
	method: 'GET' | 'POST' | 'PUT' | 'DELETE';
	/** Path without the trailing /:instanceName, e.g. `/message/sendText`. */
	path: string;
	status: number;
	guard?: GuardKind;
	handler: (context: RouteContext) => unknown;
}

export interface RouteDeps {
	app: FastifyInstance;
	world: SandboxWorld;
	lifecycle: ConnectionLifecycle;
}

export function defineRoute({ app, world }: RouteDeps, definition: RouteDefinition): void {
	const guard = definition.guard ?? 'instance';
	app.route({
		method: definition.method,
		url: guard === 'instance' ? `${definition.path}/:instanceName` : definition.path,
		handler: async (request, reply) => {
			const instance = runGuards(world, request, guard);
			const result = await definition.handler({
				request,
				reply,
				instance: instance as InstanceState,
				body: (request.body ?? {}) as JsonBody,
				query: (request.query ?? {}) as Record<string, string>,
			});
			return sendJson(reply, definition.status, result);
		},
	});
}

/** res.json(): undefined sends an empty body, everything else its JSON. */
export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
	reply.code(status).header('content-type', 'application/json; charset=utf-8');
	return reply.send(body === undefined ? '' : JSON.stringify(body));
}
