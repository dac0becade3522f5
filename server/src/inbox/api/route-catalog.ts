import type { FastifyInstance } from 'fastify';

export interface CatalogedRoute {
	method: string;
	url: string;
	isPublic: boolean;
	websocket: boolean;
}

const catalogs = new WeakMap<FastifyInstance, CatalogedRoute[]>();

/**
 * Records every route the app registers, whoever registers it, so the OpenAPI test and the cross-workspace
 * security walk can enumerate them all. Call it first thing after creating the app.
 */
export function trackRoutes(app: FastifyInstance): void {
	const routes: CatalogedRoute[] = [];
	catalogs.set(app, routes);
	app.addHook('onRoute', (options) => {
		const methods = Array.isArray(options.method) ? options.method : [options.method];
		const config = (options.config ?? {}) as { public?: boolean };
		// Fastify's "not in the docs" mark: the queue dashboard's own page, API and static files (bull-board sets it;
		// the dashboard is described once, under /admin/login, in other-routes.ts).
		if ((options.schema as { hide?: boolean } | undefined)?.hide === true) return;
		for (const method of methods) {
			if (method === 'HEAD') continue;
			routes.push({
				method,
				url: options.url,
				isPublic: config.public === true,
				websocket: Boolean((options as { websocket?: boolean }).websocket),
			});
		}
	});
}

export function listRoutes(app: FastifyInstance): CatalogedRoute[] {
	const routes = catalogs.get(app);
	if (!routes) throw new Error('trackRoutes(app) was not called when the app was built');
	return [...routes];
}
