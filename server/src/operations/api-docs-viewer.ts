import { dirname } from 'node:path';
import send from '@fastify/send';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { streamedReplyOver } from '../http/streamed-reply';

/** Where the OpenAPI document stays as JSON, whatever /docs shows a person: clients and code generators read it here. */
export const OPENAPI_JSON_PATH = '/docs/openapi.json';
export const DOCS_ASSETS_PATH = '/docs/assets';

/**
 * Swagger UI (swagger-ui-dist, served from this server: the page works offline and loads nothing from another host).
 * Only these files of the package are served; the viewer's start-up script is ours, as a file, because the page's
 * policy allows no inline script.
 */
const SWAGGER_FILES = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png', 'favicon-16x16.png']);
const VIEWER_SCRIPT = 'viewer.js';

const VIEWER_SCRIPT_SOURCE = `window.addEventListener('load', function () {
	window.ui = SwaggerUIBundle({
		url: ${JSON.stringify(OPENAPI_JSON_PATH)},
		dom_id: '#swagger-ui',
		deepLinking: true,
		persistAuthorization: true,
		tryItOutEnabled: false,
		presets: [SwaggerUIBundle.presets.apis],
		layout: 'BaseLayout',
	});
});
`;

const VIEWER_PAGE = `<!doctype html>
<html lang="en">
	<head>
		<meta charset="utf-8" />
		<meta name="viewport" content="width=device-width, initial-scale=1" />
		<title>WhatsApp Inbox API</title>
		<link rel="icon" type="image/png" href="${DOCS_ASSETS_PATH}/favicon-32x32.png" />
		<link rel="stylesheet" href="${DOCS_ASSETS_PATH}/swagger-ui.css" />
	</head>
	<body>
		<noscript>This page needs JavaScript. The OpenAPI document itself is at ${OPENAPI_JSON_PATH}.</noscript>
		<div id="swagger-ui"></div>
		<script src="${DOCS_ASSETS_PATH}/swagger-ui-bundle.js"></script>
		<script src="${DOCS_ASSETS_PATH}/${VIEWER_SCRIPT}"></script>
	</body>
</html>
`;

/**
 * The viewer runs only its own scripts, styles and images and talks only to this server ("Try it out" calls the API
 * here, with the bearer token typed into "Authorize").
 */
const VIEWER_POLICY = [
	"default-src 'self'",
	"script-src 'self'",
	"style-src 'self' 'unsafe-inline'",
	"img-src 'self' data:",
	"connect-src 'self'",
	"object-src 'none'",
	"base-uri 'none'",
	"frame-ancestors 'none'",
	"form-action 'self'",
].join('; ');

/** A browser asking for a page gets the viewer; curl, fetch and code generators (no text/html) get the JSON. */
export function wantsViewer(request: FastifyRequest): boolean {
	return (request.headers.accept ?? '').toLowerCase().includes('text/html');
}

export function sendViewerPage(reply: FastifyReply): FastifyReply {
	return reply
		.code(200)
		.type('text/html; charset=utf-8')
		.header('content-security-policy', VIEWER_POLICY)
		.header('referrer-policy', 'same-origin')
		.header('x-content-type-options', 'nosniff')
		.header('cache-control', 'no-cache')
		.send(VIEWER_PAGE);
}

let swaggerRoot: string | undefined;

/** One file of the viewer; false when it is not one of them (the caller answers 404). */
export async function sendViewerAsset(request: FastifyRequest, reply: FastifyReply, file: string): Promise<boolean> {
	if (file === VIEWER_SCRIPT) {
		await reply.code(200).type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff').send(VIEWER_SCRIPT_SOURCE);
		return true;
	}
	if (!SWAGGER_FILES.has(file)) return false;
	swaggerRoot ??= dirname(require.resolve('swagger-ui-dist/package.json'));
	const result = await send(request.raw, `/${file}`, { root: swaggerRoot, dotfiles: 'deny', index: false, maxAge: 24 * 3_600_000 });
	if (result.type !== 'file' && !(result.type === 'error' && result.statusCode === 304)) {
		result.stream.destroy();
		return false;
	}
	reply.code(result.statusCode).headers(result.headers).header('x-content-type-options', 'nosniff');
	reply.send(result.stream);
	await streamedReplyOver(reply);
	return true;
}
