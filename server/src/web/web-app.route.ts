import { existsSync, statSync } from 'node:fs';
import { join, normalize, resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** URL prefixes the server answers itself: an unknown path under them is a JSON 404, never the web app's page. */
export const SERVER_PREFIXES = ['/api/', '/realtime', '/webhooks/', '/docs', '/health', '/admin/'];

/**
 * Where `npm run build` puts the built web app (Vite's output): dist/server/public. Compiled, this file runs from
 * dist/server/src/web/; run from source (Jest), it is server/src/web/ and the build is found under the repository's dist/.
 */
export function defaultWebRoot(): string | undefined {
	const candidates = [resolve(__dirname, '..', '..', 'public'), resolve(__dirname, '..', '..', '..', 'dist', 'server', 'public')];
	return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

/**
 * The page may run only its own bundled scripts and talk only to this server (REST and the WebSocket): even if
 * hostile text ever reached the DOM as markup, an inline script or a request to another host would be refused.
 */
const PAGE_POLICY = [
	"default-src 'self'",
	"script-src 'self'",
	"style-src 'self' 'unsafe-inline'",
	"img-src 'self' data: blob:",
	"media-src 'self' data: blob:",
	"connect-src 'self' ws: wss:",
	"object-src 'none'",
	"base-uri 'none'",
	"frame-ancestors 'none'",
	"form-action 'self'",
].join('; ');

function isServerPath(path: string): boolean {
	return SERVER_PREFIXES.some((prefix) => path === prefix.replace(/\/$/, '') || path.startsWith(prefix));
}

/**
 * The attendance web app at `/`: its built files, and index.html for every other GET (the app routes in the
 * browser, so a reload of /inbox/… must answer the page). Registered as one wildcard GET, which Fastify tries only
 * after every exact and parametric route, so the API, /realtime, /webhooks, /docs and /health keep precedence;
 * unknown paths under those prefixes still answer the API's JSON 404.
 */
export async function registerWebApp(app: FastifyInstance, root: string | undefined = defaultWebRoot()): Promise<void> {
	if (root) await app.register(fastifyStatic, { root, serve: false });
	app.get('/*', { config: { public: true } }, async (request, reply) => {
		const path = decodeURIComponent(request.url.split('?')[0]);
		if (isServerPath(path)) {
			return reply.code(404).send({ error: { code: 'not_found', message: `No route GET ${path}.` } });
		}
		if (!root) {
			return reply
				.code(503)
				.type('text/plain; charset=utf-8')
				.send('The web app is not built: run `npm run build` (or `npm start`, which builds it), then reload.');
		}
		const file = normalize(join(root, path));
		const inside = file.startsWith(root + sep);
		if (inside && existsSync(file) && statSync(file).isFile()) {
			// Vite names bundles by content hash: they never change, so browsers may keep them.
			const immutable = path.startsWith('/assets/');
			return reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache').sendFile(file.slice(root.length + 1));
		}
		return reply
			.header('cache-control', 'no-cache')
			.header('content-security-policy', PAGE_POLICY)
			.header('x-content-type-options', 'nosniff')
			.header('referrer-policy', 'same-origin')
			.type('text/html; charset=utf-8')
			.sendFile('index.html');
	});
}
