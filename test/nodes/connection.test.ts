/**
 * How the node reaches Evolution: over a kept-alive connection by default, and through n8n's HTTP client — with
 * n8n's proxy settings — when a direct connection cannot be opened. Here n8n can reach the server only through an
 * HTTP proxy (HTTP_PROXY): the direct address refuses connections, the proxy forwards to the sandbox.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { startEvolutionSandbox, type EvolutionSandbox } from '../support/evolution-sandbox';
import { runEvolutionNode } from '../support/n8n-harness';

const INSTANCE = 'shop-proxied';

/** A forward HTTP proxy (absolute-URI requests) that sends everything to `target` and remembers what it was asked. */
async function startForwardProxy(target: string): Promise<{ url: string; asked: string[]; close(): Promise<void> }> {
	const to = new URL(target);
	const asked: string[] = [];
	const server: Server = createServer((incoming, outgoing) => {
		const wanted = new URL(incoming.url ?? '/');
		asked.push(`${incoming.method} ${wanted.host}${wanted.pathname}`);
		const forward = httpRequest(
			{ host: to.hostname, port: to.port, method: incoming.method, path: `${wanted.pathname}${wanted.search}`, headers: { ...incoming.headers, host: to.host } },
			(answer) => {
				outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(outgoing);
			},
		);
		incoming.pipe(forward);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		asked,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

let sandbox: EvolutionSandbox;
let proxy: Awaited<ReturnType<typeof startForwardProxy>>;
const saved: Record<string, string | undefined> = {};
const PROXY_VARIABLES = ['HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy', 'HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy'];

beforeAll(async () => {
	sandbox = await startEvolutionSandbox();
	await sandbox.connectedInstance(INSTANCE);
	proxy = await startForwardProxy(sandbox.url);
	for (const name of PROXY_VARIABLES) {
		saved[name] = process.env[name];
		Reflect.deleteProperty(process.env, name);
	}
	process.env.HTTP_PROXY = proxy.url;
});
afterAll(async () => {
	for (const name of PROXY_VARIABLES) {
		if (saved[name] === undefined) Reflect.deleteProperty(process.env, name);
		else process.env[name] = saved[name];
	}
	await proxy?.close();
	await sandbox?.close();
});

describe('Reaching Evolution through n8n\'s proxy settings', () => {
	it('falls back to n8n\'s HTTP client when a direct connection is refused, and keeps using it for that server', async () => {
		const port = await closedPort();
		const credentials = { baseUrl: `http://127.0.0.1:${port}`, apiKey: sandbox.apiKey, defaultInstance: INSTANCE };
		const numbers = ['5511987650001', '5511987650002', '5511987650003'];
		const result = await runEvolutionNode(
			{ resource: 'message', operation: 'sendText', number: '={{ $json.phone }}', text: 'through the proxy' },
			{ credentials, items: numbers.map((phone) => ({ json: { phone } })) },
		);
		expect(result.error()).toBeUndefined();
		expect(result.items.map((item) => item.pairedItem)).toEqual(numbers.map((_, item) => ({ item })));
		// Each text reached Evolution once, through the proxy, in order.
		expect(proxy.asked).toEqual(numbers.map(() => `POST 127.0.0.1:${port}/message/sendText/${INSTANCE}`));
		expect(sandbox.requestsTo(`/message/sendText/${INSTANCE}`).map((request) => (request.json as { number: string }).number)).toEqual(numbers);
		expect(sandbox.requestsTo(`/message/sendText/${INSTANCE}`).every((request) => request.headers.apikey === sandbox.apiKey)).toBe(true);
	});

	it('"n8n\'s HTTP Client" goes through the proxy from the first request', async () => {
		proxy.asked.length = 0;
		sandbox.clearRequests();
		// The sandbox's own address: reachable directly, but this credential asks for n8n's client (and its proxy).
		const credentials = { baseUrl: sandbox.url, apiKey: sandbox.apiKey, defaultInstance: INSTANCE, connection: 'n8nHttpClient' };
		const result = await runEvolutionNode({ resource: 'message', operation: 'sendText', number: '5511987650009', text: 'proxied' }, { credentials });
		expect(result.error()).toBeUndefined();
		expect(proxy.asked).toEqual([`POST ${new URL(sandbox.url).host}/message/sendText/${INSTANCE}`]);
	});

	it('a server that answers with a redirect is reached through n8n\'s client, which follows it: one send, as asked', async () => {
		proxy.asked.length = 0;
		sandbox.clearRequests();
		// A front that moves every request elsewhere (as a proxy moving http to https does), here to the sandbox.
		const redirects: string[] = [];
		const front = createServer((incoming, outgoing) => {
			redirects.push(`${incoming.method} ${incoming.url}`);
			outgoing.writeHead(308, { location: `${sandbox.url}${incoming.url ?? '/'}` }).end();
		});
		await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
		try {
			const frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
			// No proxy for these two local servers: only the redirect is under test.
			process.env.NO_PROXY = '127.0.0.1';
			const numbers = ['5511987650021', '5511987650022'];
			const credentials = { baseUrl: frontUrl, apiKey: sandbox.apiKey, defaultInstance: INSTANCE };
			const result = await runEvolutionNode(
				{ resource: 'message', operation: 'sendText', number: '={{ $json.phone }}', text: 'moved' },
				{ credentials, items: numbers.map((phone) => ({ json: { phone } })) },
			);
			expect(result.error()).toBeUndefined();
			expect(result.items.map((item) => (item.json as { key?: { id?: string } }).key?.id)).toEqual([expect.any(String), expect.any(String)]);
			// Each text reached Evolution exactly once, in order, with its body and key; the first request met the redirect
			// twice (fetch, then n8n's client following it), the second went through n8n's client at once.
			const sent = sandbox.requestsTo(`/message/sendText/${INSTANCE}`);
			expect(sent.map((request) => request.json as { number: string; text: string })).toEqual(numbers.map((number) => ({ number, text: 'moved' })));
			expect(sent.every((request) => request.headers.apikey === sandbox.apiKey)).toBe(true);
			expect(redirects).toEqual([1, 2, 3].map(() => `POST /message/sendText/${INSTANCE}`));
		} finally {
			Reflect.deleteProperty(process.env, 'NO_PROXY');
			front.closeAllConnections();
			await new Promise<void>((resolve) => front.close(() => resolve()));
		}
	});

	it('the default (kept alive) goes straight to a server it can reach', async () => {
		proxy.asked.length = 0;
		sandbox.clearRequests();
		const credentials = { baseUrl: sandbox.url, apiKey: sandbox.apiKey, defaultInstance: INSTANCE };
		const result = await runEvolutionNode({ resource: 'message', operation: 'sendText', number: '5511987650010', text: 'direct' }, { credentials });
		expect(result.error()).toBeUndefined();
		expect(proxy.asked).toEqual([]);
		expect(sandbox.requestsTo(`/message/sendText/${INSTANCE}`)).toHaveLength(1);
	});
});
