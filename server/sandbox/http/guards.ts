/**
 * Evolution's guard chain for instance routes, in its order:
 * instanceExistsGuard (404) → instanceLoggedGuard (403 name in use on create) → apikey (401).
 */
import type { FastifyRequest } from 'fastify';

import type { InstanceState } from '../domain/instance-state';
import type { SandboxWorld } from '../world';
import { forbidden, instanceNotFound, unauthorized } from './errors';

export type GuardKind = 'instance' | 'create' | 'fetchInstances';

const apikeyOf = (request: FastifyRequest) => {
	const value = request.headers.apikey;
	return Array.isArray(value) ? value[0] : value;
};

/** Runs the guards; returns the route's instance for instance routes. */
export function runGuards(world: SandboxWorld, request: FastifyRequest, kind: GuardKind): InstanceState | undefined {
	const key = apikeyOf(request);
	if (kind === 'create') {
		const name = (request.body as { instanceName?: unknown } | undefined)?.instanceName;
		// name: undefined matches every row in Prisma, so any existing instance makes it "in use".
		const inUse = name === undefined ? world.instances.size > 0 : world.instances.has(String(name));
		if (inUse) throw forbidden(`This name "${String(name)}" is already in use.`);
		if (!key || key !== world.options.apiKey) throw unauthorized();
		return undefined;
	}
	if (kind === 'fetchInstances') {
		if (!key) throw unauthorized();
		if (key === world.options.apiKey) return undefined;
		for (const instance of world.instances.values()) if (instance.token === key) return undefined;
		throw unauthorized();
	}
	const name = (request.params as { instanceName: string }).instanceName;
	const instance = world.instances.get(name);
	if (!instance) throw instanceNotFound(name);
	if (!key) throw unauthorized();
	if (key !== world.options.apiKey && key !== instance.token) throw unauthorized();
	return instance;
}

export const isGlobalKey = (world: SandboxWorld, request: FastifyRequest) => apikeyOf(request) === world.options.apiKey;
export const requestApikey = apikeyOf;
