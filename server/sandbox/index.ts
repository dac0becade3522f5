/**
 * Evolution API 2.3.7 sandbox: an in-memory simulator of the Evolution v2 wire contract
 * (REST routes, error envelopes, webhooks with retries) plus a control API under /_sandbox.
 */
import type { FastifyInstance } from 'fastify';

import { ConnectionLifecycle } from './connection/lifecycle';
import { registerControlRoutes } from './control/routes';
import { createApp } from './http/app';
import type { RouteDeps } from './http/route';
import { resolveOptions, type SandboxOptions } from './options';
import { registerChatRoutes } from './routes/chat';
import { registerGroupRoutes } from './routes/group';
import { registerInstanceRoutes } from './routes/instance';
import { registerMessageRoutes } from './routes/message';
import { registerRootRoutes } from './routes/root';
import { registerSettingsAndLabelRoutes } from './routes/settings-and-labels';
import { registerWebhookRoutes } from './routes/webhook';
import { loadSnapshot, saveSnapshot } from './persistence/instance-snapshot';
import { SandboxWorld } from './world';

export type { SandboxOptions } from './options';

/** Builds the sandbox app (not yet listening). */
export function buildSandbox(options: SandboxOptions): FastifyInstance {
	const world = new SandboxWorld(resolveOptions(options));
	const app = createApp(world, options.logger ?? false);
	const deps: RouteDeps = { app, world, lifecycle: new ConnectionLifecycle(world) };
	registerRootRoutes(deps);
	registerInstanceRoutes(deps);
	registerMessageRoutes(deps);
	registerChatRoutes(deps);
	registerGroupRoutes(deps);
	registerWebhookRoutes(deps);
	registerSettingsAndLabelRoutes(deps);
	registerControlRoutes(deps);
	if (options.stateFile) persistWorld(app, world, options.stateFile);
	app.addHook('onListen', async () => {
		const address = app.server.address();
		if (address && typeof address === 'object') {
			const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
			world.listeningUrl = `http://${host}:${address.port}`;
		}
	});
	return app;
}

/** Loads the saved world now, saves it every second while something changed, and once more on close. */
function persistWorld(app: FastifyInstance, world: SandboxWorld, file: string): void {
	let last = loadSnapshot(file, world);
	const save = () => {
		try {
			last = saveSnapshot(file, world, last);
		} catch (error) {
			app.log.warn({ err: error }, 'sandbox state not saved');
		}
	};
	const timer = setInterval(save, 1000);
	timer.unref();
	app.addHook('onClose', async () => {
		clearInterval(timer);
		save();
	});
}

/** Builds and starts the sandbox; port 0 (the default) picks a free port. */
export async function startSandbox(
	options: SandboxOptions & { port?: number; host?: string },
): Promise<{ url: string; port: number; close(): Promise<void>; app: FastifyInstance }> {
	const app = buildSandbox(options);
	try {
		await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
	} catch (error) {
		await app.close().catch(() => undefined);
		throw error;
	}
	const address = app.server.address();
	const port = address && typeof address === 'object' ? address.port : (options.port ?? 0);
	const host = options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : '127.0.0.1';
	return {
		url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
		port,
		close: () => app.close(),
		app,
	};
}
