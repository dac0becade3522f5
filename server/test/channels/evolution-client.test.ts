import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { classifySendFailure } from '../../src/outbox/send-failure';
import { EvolutionClient, EvolutionError, evolutionErrorText } from '../../src/providers/evolution/evolution-client';
import { API_KEY, SandboxClient } from '../sandbox/support/sandbox-client';

describe('Evolution client against the sandbox', () => {
	let sandbox: SandboxClient;
	beforeAll(async () => {
		sandbox = await SandboxClient.start();
		await sandbox.createInstance('client-test');
	});
	afterAll(async () => sandbox?.close());

	const failure = async (promise: Promise<unknown>) => {
		const error = await promise.then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(EvolutionError);
		return error as EvolutionError;
	};

	it('calls /path/{instance} with the key and reads the answer', async () => {
		const client = new EvolutionClient({ baseUrl: sandbox.url, apiKey: API_KEY });
		expect(await client.request('GET', '/instance/connectionState', undefined, { instance: 'client-test' })).toEqual({ instance: { instanceName: 'client-test', state: 'close' } });
	});

	it("maps Evolution's error envelope and its 200 {error: true} answers to one readable sentence, without the key", async () => {
		const client = new EvolutionClient({ baseUrl: sandbox.url, apiKey: API_KEY });
		const missing = await failure(client.request('GET', '/instance/connectionState', undefined, { instance: 'nope' }));
		expect(missing).toMatchObject({ kind: 'http', status: 404, message: 'Evolution answered 404 to GET /instance/connectionState: The "nope" instance does not exist' });
		const closed = await failure(client.request('POST', '/instance/restart', undefined, { instance: 'client-test' }));
		expect(closed).toMatchObject({ kind: 'error_flag', status: 200 });
		const unauthorized = await failure(new EvolutionClient({ baseUrl: sandbox.url, apiKey: 'wrong' }).request('GET', '/instance/connectionState', undefined, { instance: 'client-test' }));
		expect(unauthorized).toMatchObject({ status: 401, message: expect.stringContaining('Unauthorized') });
		expect(`${missing.message}${closed.message}${unauthorized.message}`).not.toContain(API_KEY);
		expect(evolutionErrorText({ status: 400, error: 'Bad Request', response: { message: [['instance requires property "text"']] } })).toBe('instance requires property "text"');
		expect(evolutionErrorText({ response: { message: [{ jid: '5511900000000@s.whatsapp.net', exists: false, number: '5511900000000' }] } })).toBe('5511900000000 is not on WhatsApp');
	});

	it('times out and tells an unreachable server apart', async () => {
		const fault = await sandbox.post('/_sandbox/faults', { route: '/instance/connectionState', timeout: true, hangMs: 3000, times: 1 });
		expect(fault.status).toBe(201);
		const slow = await failure(new EvolutionClient({ baseUrl: sandbox.url, apiKey: API_KEY, timeoutMs: 200 }).request('GET', '/instance/connectionState', undefined, { instance: 'client-test' }));
		expect(slow.kind).toBe('timeout');
		const down = await failure(new EvolutionClient({ baseUrl: 'http://127.0.0.1:9', apiKey: API_KEY }).request('GET', '/'));
		expect(down).toMatchObject({ kind: 'unreachable', message: expect.stringContaining('Cannot reach Evolution at http://127.0.0.1:9') });
	});

	it('says a refused connection sent nothing, so the outbox retries it without looking for the message first', async () => {
		const down = await failure(new EvolutionClient({ baseUrl: 'http://127.0.0.1:9', apiKey: API_KEY }).request('POST', '/message/sendText', { number: '1', text: 'x' }, { instance: 'client-test' }));
		expect(down).toMatchObject({ kind: 'unreachable', nothingSent: true });
		expect(classifySendFailure(down).kind).toBe('not_sent');
	});
});

/**
 * The keep-alive race: Evolution's server closes an idle pooled socket just as the next request goes out on it. A
 * server that resets every socket's second request stands in for that moment. Whether the client's next request goes
 * out on the pooled socket depends on when that socket came back to the pool (on a loaded machine a request can start
 * before and open a new connection), so the tests send until a request meets the reset, and count. One server per
 * test: the client's pool is per origin, so no socket carries over.
 */
async function startResettingServer() {
	const requests: string[] = [];
	let resets = 0;
	const connections = new Set<Socket>();
	const served = new WeakMap<Socket, number>();
	const server: Server = createServer((request, response) => {
		const count = (served.get(request.socket) ?? 0) + 1;
		served.set(request.socket, count);
		requests.push(`${request.method} ${request.url}`);
		if (count === 2) {
			resets++;
			request.socket.resetAndDestroy();
			return;
		}
		response.setHeader('content-type', 'application/json');
		response.end(JSON.stringify({ instance: { state: 'open' } }));
	});
	server.on('connection', (socket) => connections.add(socket));
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		requests,
		connections,
		resets: () => resets,
		close: async () => {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}

describe('Evolution client on a pooled socket the server resets', () => {
	let server: Awaited<ReturnType<typeof startResettingServer>>;
	beforeEach(async () => {
		server = await startResettingServer();
	});
	afterEach(() => server.close());

	it('reads again on a fresh connection, once, when a GET meets a reset on a reused socket', async () => {
		const client = new EvolutionClient({ baseUrl: server.baseUrl, apiKey: API_KEY });
		let calls = 0;
		while (server.resets() === 0 && calls < 10) {
			calls++;
			expect(await client.request('GET', '/instance/connectionState', undefined, { instance: 'a' })).toEqual({ instance: { state: 'open' } });
		}
		// Every call answered; the one that met the reset was sent once more, and only once.
		expect(server.resets()).toBe(1);
		expect(server.requests).toEqual(Array.from({ length: calls + 1 }, () => 'GET /instance/connectionState/a'));
	});

	it('never sends a POST twice: the reset is reported as a lost connection (the outbox then looks before sending again)', async () => {
		const client = new EvolutionClient({ baseUrl: server.baseUrl, apiKey: API_KEY });
		let calls = 0;
		let error: EvolutionError | undefined;
		while (!error && calls < 10) {
			calls++;
			error = await client.request('POST', '/message/sendText', { number: '1', text: `message ${calls}` }, { instance: 'b' }).then(
				() => undefined,
				(e: unknown) => e as EvolutionError,
			);
		}
		expect(calls).toBeGreaterThan(1);
		expect(error).toMatchObject({ kind: 'unreachable', code: 'ECONNRESET', nothingSent: false });
		expect(classifySendFailure(error).kind).toBe('ambiguous');
		// One request per call: the reset POST was not sent again.
		expect(server.resets()).toBe(1);
		expect(server.requests).toEqual(Array.from({ length: calls }, () => 'POST /message/sendText/b'));
	});
});

describe('Evolution client: deadlines and proxies', () => {
	it('reports a POST with no answer in time as a timeout, sent once (the outbox then looks before sending again)', async () => {
		const requests: string[] = [];
		const server = createServer((request) => requests.push(`${request.method} ${request.url}`));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const client = new EvolutionClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey: API_KEY, timeoutMs: 300 });
			const error = await client.request('POST', '/message/sendText', { number: '1', text: 'x' }, { instance: 'c' }).then(
				() => undefined,
				(e: unknown) => e as EvolutionError,
			);
			expect(error).toMatchObject({ kind: 'timeout', nothingSent: false, message: expect.stringContaining('did not answer POST /message/sendText in time') });
			expect(classifySendFailure(error).kind).toBe('ambiguous');
			expect(requests).toEqual(['POST /message/sendText/c']);
		} finally {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		}
	});

	it('follows a redirect to its target, as axios did (a reverse proxy moving the API under a new path)', async () => {
		const requests: string[] = [];
		const server = createServer((request, response) => {
			requests.push(`${request.method} ${request.url}`);
			if (request.url?.startsWith('/old/')) {
				response.writeHead(308, { location: request.url.replace('/old/', '/new/') }).end();
				return;
			}
			response.setHeader('content-type', 'application/json');
			response.end(JSON.stringify({ apikey: request.headers.apikey, url: request.url }));
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const client = new EvolutionClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/old`, apiKey: API_KEY });
			expect(await client.request('GET', '/instance/connectionState', undefined, { instance: 'r' })).toEqual({ apikey: API_KEY, url: '/new/instance/connectionState/r' });
			expect(requests).toEqual(['GET /old/instance/connectionState/r', 'GET /new/instance/connectionState/r']);
		} finally {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		}
	});

	it('goes through HTTP_PROXY when it is set, as it did with axios', async () => {
		const evolution = createServer((request, response) => {
			response.setHeader('content-type', 'application/json');
			response.end(JSON.stringify({ seen: `${request.method} ${request.url}`, apikey: request.headers.apikey }));
		});
		// A forward proxy: tunnels (CONNECT) and absolute-URI requests both count as going through it.
		const proxied: string[] = [];
		const proxy = createServer((request, response) => {
			proxied.push(`${request.method} ${request.url}`);
			response.writeHead(502).end();
		});
		proxy.on('connect', (request, client: Socket, head: Buffer) => {
			proxied.push(`CONNECT ${request.url}`);
			const [host, port] = String(request.url).split(':');
			const upstream = connect(Number(port), host, () => {
				client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
				upstream.write(head);
				upstream.pipe(client);
				client.pipe(upstream);
			});
			upstream.on('error', () => client.destroy());
			client.on('error', () => upstream.destroy());
		});
		await Promise.all([evolution, proxy].map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
		const saved = { HTTP_PROXY: process.env.HTTP_PROXY, http_proxy: process.env.http_proxy, NO_PROXY: process.env.NO_PROXY, no_proxy: process.env.no_proxy };
		try {
			for (const key of Object.keys(saved)) Reflect.deleteProperty(process.env, key);
			process.env.HTTP_PROXY = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
			// The client's connection pool reads the proxy variables once, when the module loads.
			let Client: typeof EvolutionClient | undefined;
			jest.isolateModules(() => {
				// eslint-disable-next-line @typescript-eslint/no-require-imports
				Client = (require('../../src/providers/evolution/evolution-client') as { EvolutionClient: typeof EvolutionClient }).EvolutionClient;
			});
			const target = `127.0.0.1:${(evolution.address() as AddressInfo).port}`;
			const answer = await new Client!({ baseUrl: `http://${target}`, apiKey: API_KEY }).request('GET', '/instance/connectionState', undefined, { instance: 'p' });
			expect(answer).toEqual({ seen: 'GET /instance/connectionState/p', apikey: API_KEY });
			expect(proxied).toEqual([expect.stringContaining(target)]);
		} finally {
			for (const [key, value] of Object.entries(saved)) {
				if (value === undefined) Reflect.deleteProperty(process.env, key);
				else process.env[key] = value;
			}
			for (const server of [evolution, proxy]) {
				server.closeAllConnections();
				await new Promise((resolve) => server.close(resolve));
			}
		}
	});
});
