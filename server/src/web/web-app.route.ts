import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import send from '@fastify/send';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { streamedReplyOver } from '../http/streamed-reply';

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
 * Streams one file of the build through @fastify/send (the engine of @fastify/static, which refuses paths out of
 * the root and dotfiles, and answers ETag / If-None-Match / Range). @fastify/static itself is not used: its
 * ESM-only content-disposition cannot be loaded by the Jest runs that start this server from source.
 */
async function sendFile(request: FastifyRequest, reply: FastifyReply, root: string, path: string, page: boolean): Promise<boolean> {
	// Vite names bundles by content hash: they never change, so browsers may keep them for a year.
	const immutable = path.startsWith('/assets/');
	const result = await send(request.raw, path, { root, dotfiles: 'deny', index: false, immutable, maxAge: immutable ? 365 * 24 * 3_600_000 : 0 });
	if (result.type !== 'file' && !(result.type === 'error' && result.statusCode === 304)) {
		result.stream.destroy();
		return false;
	}
	reply.code(result.statusCode).headers(result.headers);
	if (!immutable) reply.header('cache-control', 'no-cache');
	if (page) reply.header('content-security-policy', PAGE_POLICY).header('referrer-policy', 'same-origin');
	reply.header('x-content-type-options', 'nosniff');
	reply.send(result.stream);
	await streamedReplyOver(reply);
	return true;
}

/**
 * The attendance web app at `/`: its built files, and index.html for every other GET (the app routes in the
 * browser, so a reload of /conversations/… must answer the page). Registered as one wildcard GET, which Fastify
 * tries only after every exact and parametric route, so the API, /realtime, /webhooks, /docs and /health keep
 * precedence; unknown paths under those prefixes still answer the API's JSON 404.
 */
export function registerWebApp(app: FastifyInstance, root: string | undefined = defaultWebRoot()): void {
	app.get('/*', { config: { public: true } }, async (request, reply) => {
		const path = request.url.split('?')[0];
		if (isServerPath(path)) {
			return reply.code(404).send({ error: { code: 'not_found', message: `No route GET ${path}.` } });
		}
		if (!root) {
			return reply
				.code(503)
				.type('text/plain; charset=utf-8')
				.send('The web app is not built: run `npm run build` (or `npm start`, which builds it), then reload.');
		}
		if (path !== '/' && path !== '/index.html' && (await sendFile(request, reply, root, path, false))) return undefined;
		await sendFile(request, reply, root, '/index.html', true);
		return undefined;
	});
}
