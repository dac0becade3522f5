import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PrefixProxy {
	/** http://127.0.0.1:port (without the prefix) */
	url: string;
	/** Every path it was asked for, as asked. */
	paths: string[];
	close(): Promise<void>;
}

/**
 * A reverse proxy that serves the server under `prefix` (as a deployment behind nginx might): requests under the
 * prefix go to `target()` (read per request, so a restarted server on another port can take over the same public
 * address) with the prefix cut off, anything else is 404.
 */
export async function startPrefixProxy(prefix: string, target: () => string): Promise<PrefixProxy> {
	const paths: string[] = [];
	const server: Server = createServer((incoming, answer) => {
		paths.push(incoming.url ?? '');
		if (!incoming.url?.startsWith(`${prefix}/`)) {
			answer.statusCode = 404;
			answer.end();
			return;
		}
		const { hostname, port } = new URL(target());
		const outgoing = httpRequest({ hostname, port, method: incoming.method, path: incoming.url.slice(prefix.length), headers: { ...incoming.headers, host: `${hostname}:${port}` } }, (upstream) => {
			answer.writeHead(upstream.statusCode ?? 502, upstream.headers);
			upstream.pipe(answer);
		});
		outgoing.on('error', () => {
			if (!answer.headersSent) answer.statusCode = 502;
			answer.end();
		});
		incoming.pipe(outgoing);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		paths,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
