/**
 * How the node spends its time per item: the credential is read once per run (not per item or request), reads
 * ask Evolution about several items at once (bounded by "Parallel Requests", output in input order with its
 * pairedItem), and sends go one at a time. A slow proxy in front of the sandbox counts the requests in flight.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { startEvolutionSandbox, type EvolutionSandbox } from '../support/evolution-sandbox';
import { runEvolutionNode, type EvolutionCredentials } from '../support/n8n-harness';

const INSTANCE = 'shop-parallel';
const OFF_WHATSAPP = '5511987654331';

interface SlowProxy {
	url: string;
	maxInFlight: number;
	arrivals: string[];
	/** How many TCP connections the requests since the last reset came on. */
	connectionsUsed: number;
	reset(): void;
	close(): Promise<void>;
}

/** Forwards to `target`, holding the n-th request of a burst `holdMs(n)` before answering. */
async function startSlowProxy(target: string, holdMs: (arrival: number) => number): Promise<SlowProxy> {
	const to = new URL(target);
	let inFlight = 0;
	const state = { maxInFlight: 0, arrivals: [] as string[], sockets: new Set<Socket>() };
	const server: Server = createServer((incoming, outgoing) => {
		const arrival = state.arrivals.length;
		state.sockets.add(incoming.socket);
		state.arrivals.push(`${incoming.method} ${incoming.url}`);
		inFlight++;
		state.maxInFlight = Math.max(state.maxInFlight, inFlight);
		const chunks: Buffer[] = [];
		incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
		incoming.on('end', () => {
			setTimeout(() => {
				const forward = httpRequest(
					{ host: to.hostname, port: to.port, method: incoming.method, path: incoming.url, headers: { ...incoming.headers, host: to.host } },
					(answer) => {
						const answerChunks: Buffer[] = [];
						answer.on('data', (chunk: Buffer) => answerChunks.push(chunk));
						answer.on('end', () => {
							inFlight--;
							outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
							outgoing.end(Buffer.concat(answerChunks));
						});
					},
				);
				forward.end(Buffer.concat(chunks));
			}, holdMs(arrival));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		get maxInFlight() {
			return state.maxInFlight;
		},
		get arrivals() {
			return state.arrivals;
		},
		get connectionsUsed() {
			return state.sockets.size;
		},
		reset() {
			state.maxInFlight = 0;
			state.arrivals = [];
			state.sockets = new Set();
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

let sandbox: EvolutionSandbox;
let proxy: SlowProxy;
let credentials: EvolutionCredentials;

beforeAll(async () => {
	sandbox = await startEvolutionSandbox();
	await sandbox.connectedInstance(INSTANCE);
	await sandbox.call('POST', '/_sandbox/numbers/not-on-whatsapp', { numbers: [OFF_WHATSAPP] });
	// The first requests of a burst are held longest, so answers to a parallel burst come back in reverse.
	proxy = await startSlowProxy(sandbox.url, (arrival) => Math.max(30, 600 - 100 * arrival));
	credentials = { baseUrl: proxy.url, apiKey: sandbox.apiKey, defaultInstance: INSTANCE };
});
afterAll(async () => {
	await proxy?.close();
	await sandbox?.close();
});
beforeEach(() => {
	proxy.reset();
	sandbox.clearRequests();
});

const phones = Array.from({ length: 8 }, (_, index) => `55119876543${index}1`);

describe('Per-item work', () => {
	it('reads the credential once per run, however many items are sent', async () => {
		const result = await runEvolutionNode(
			{ resource: 'message', operation: 'sendText', number: '={{ $json.phone }}', text: '={{ "Olá " + $json.phone }}' },
			{ credentials, items: phones.slice(4).map((phone) => ({ json: { phone } })) },
		);
		expect(result.error()).toBeUndefined();
		expect(result.items).toHaveLength(4);
		expect(sandbox.requestsTo(`/message/sendText/${INSTANCE}`)).toHaveLength(4);
		// Every request still carries the credential's key.
		expect(sandbox.requestsTo('/message/sendText/').every((request) => request.headers.apikey === sandbox.apiKey)).toBe(true);
		expect(result.credentialReads).toBe(1);
	});

	it('sends one item at a time, in input order', async () => {
		const result = await runEvolutionNode(
			{ resource: 'message', operation: 'sendText', number: '={{ $json.phone }}', text: 'one at a time' },
			{ credentials, items: phones.slice(4).map((phone) => ({ json: { phone } })) },
		);
		expect(result.error()).toBeUndefined();
		expect(proxy.maxInFlight).toBe(1);
		expect(sandbox.requestsTo('/message/sendText/').map((request) => (request.json as { number: string }).number)).toEqual(phones.slice(4));
		expect(result.items.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
	});

	it('sends over one kept-alive connection; "n8n\'s HTTP Client" opens one per request', async () => {
		const items = phones.map((phone) => ({ json: { phone: phone === OFF_WHATSAPP ? phones[0] : phone } }));
		const parameters = { resource: 'message', operation: 'sendText', number: '={{ $json.phone }}', text: 'kept alive' };
		const kept = await runEvolutionNode(parameters, { credentials, items });
		expect(kept.error()).toBeUndefined();
		expect(proxy.arrivals).toHaveLength(8);
		// The pool may hand the next send a second connection while the first is being put back; never one per send.
		expect(proxy.connectionsUsed).toBeLessThanOrEqual(2);

		proxy.reset();
		const n8nClient = await runEvolutionNode(parameters, { credentials: { ...credentials, connection: 'n8nHttpClient' }, items });
		expect(n8nClient.error()).toBeUndefined();
		expect(proxy.arrivals).toHaveLength(8);
		expect(proxy.connectionsUsed).toBe(8);
		expect(sandbox.requestsTo('/message/sendText/').every((request) => request.headers.apikey === sandbox.apiKey)).toBe(true);
		const numbers = items.map((item) => item.json.phone);
		expect(sandbox.requestsTo('/message/sendText/').map((request) => (request.json as { number: string }).number)).toEqual([...numbers, ...numbers]);
	});

	it('a send that fails stops the run there: the item prepared behind it is never sent; continue on fail sends the rest in order', async () => {
		const numbers = [phones[4], OFF_WHATSAPP, phones[5], phones[6]];
		const items = numbers.map((phone) => ({ json: { phone } }));
		const parameters = { resource: 'message', operation: 'sendText', number: '={{ $json.phone }}', text: 'in turn' };
		const sent = () => sandbox.requestsTo('/message/sendText/').map((request) => (request.json as { number: string }).number);

		const stopped = await runEvolutionNode(parameters, { credentials, items });
		expect((stopped.error('Evolution API') as { context?: { itemIndex?: number } } | undefined)?.context?.itemIndex).toBe(1);
		expect(sent()).toEqual(numbers.slice(0, 2));

		sandbox.clearRequests();
		proxy.reset();
		const kept = await runEvolutionNode(parameters, { credentials, items, continueOnFail: true });
		expect(sent()).toEqual(numbers);
		expect(proxy.maxInFlight).toBe(1);
		expect(kept.items.map((item) => item.pairedItem)).toEqual(numbers.map((_, item) => ({ item })));
		expect(kept.items.map((item) => item.json.error === undefined)).toEqual([true, false, true, true]);
	});

	it('reads several items at once, at most "Parallel Requests", with the output in input order', async () => {
		const result = await runEvolutionNode(
			{ resource: 'chat', operation: 'profilePicture', number: '={{ $json.phone }}', parallelRequests: 3 },
			{ credentials, items: phones.map((phone) => ({ json: { phone } })) },
		);
		expect(result.error()).toBeUndefined();
		expect(proxy.maxInFlight).toBeGreaterThan(1);
		expect(proxy.maxInFlight).toBeLessThanOrEqual(3);
		expect(result.items.map((item) => item.json.wuid)).toEqual(phones.map((phone) => `${phone}@s.whatsapp.net`));
		expect(result.items.map((item) => item.json.profilePictureUrl !== null)).toEqual(phones.map((phone) => phone !== OFF_WHATSAPP));
		expect(result.items.map((item) => item.pairedItem)).toEqual(phones.map((_, item) => ({ item })));
		// Answers came back out of order (the first requests were held longest); the output did not.
		expect(sandbox.requestsTo('/chat/fetchProfilePictureUrl/').map((request) => (request.json as { number: string }).number)).not.toEqual(phones);
	});

	it('defaults to 5 reads at once and runs one at a time when set to 1', async () => {
		const items = phones.map((phone) => ({ json: { phone } }));
		await runEvolutionNode({ resource: 'chat', operation: 'profilePicture', number: '={{ $json.phone }}' }, { credentials, items });
		expect(proxy.maxInFlight).toBeGreaterThan(1);
		expect(proxy.maxInFlight).toBeLessThanOrEqual(5);
		proxy.reset();
		const serial = await runEvolutionNode({ resource: 'chat', operation: 'profilePicture', number: '={{ $json.phone }}', parallelRequests: 1 }, { credentials, items });
		expect(proxy.maxInFlight).toBe(1);
		expect(serial.items.map((item) => item.json.wuid)).toEqual(phones.map((phone) => `${phone}@s.whatsapp.net`));
	});

	it('a failing parallel read fails the node with the first failed item, as one at a time would; continue on fail keeps every item in place', async () => {
		const items = phones.map((phone, index) => ({ json: { phone: index === 2 || index === 5 ? 'not a number' : phone } }));
		const stopped = await runEvolutionNode({ resource: 'chat', operation: 'profilePicture', number: '={{ $json.phone }}', parallelRequests: 4 }, { credentials, items });
		const error = stopped.error('Evolution API') as { context?: { itemIndex?: number } } | undefined;
		expect(error?.context?.itemIndex).toBe(2);

		const kept = await runEvolutionNode(
			{ resource: 'chat', operation: 'profilePicture', number: '={{ $json.phone }}', parallelRequests: 4 },
			{ credentials, items, continueOnFail: true },
		);
		expect(kept.items.map((item) => item.pairedItem)).toEqual(phones.map((_, item) => ({ item })));
		expect(kept.items.map((item) => (item.json.error === undefined ? item.json.wuid : 'error'))).toEqual(
			phones.map((phone, index) => (index === 2 || index === 5 ? 'error' : `${phone}@s.whatsapp.net`)),
		);
	});

	it('a failing Check Numbers item fails the node with the first failed item, as one at a time would; continue on fail keeps every item in place', async () => {
		const items = phones.map((phone, index) => ({ json: { phone: index === 2 || index === 5 ? 'not a number' : phone } }));
		const stopped = await runEvolutionNode({ resource: 'chat', operation: 'checkNumbers', numbers: '={{ $json.phone }}', parallelRequests: 4 }, { credentials, items });
		const error = stopped.error('Evolution API') as { context?: { itemIndex?: number } } | undefined;
		expect(error?.context?.itemIndex).toBe(2);

		const kept = await runEvolutionNode(
			{ resource: 'chat', operation: 'checkNumbers', numbers: '={{ $json.phone }}', parallelRequests: 4 },
			{ credentials, items, continueOnFail: true },
		);
		expect(kept.items.map((item) => item.pairedItem)).toEqual(phones.map((_, item) => ({ item })));
		expect(kept.items.map((item) => (item.json.error === undefined ? item.json.number : 'error'))).toEqual(
			phones.map((phone, index) => (index === 2 || index === 5 ? 'error' : phone)),
		);
	});
});

describe('Check Numbers: many items in one request', () => {
	const numberRequests = () => sandbox.requestsTo('/chat/whatsappNumbers/').map((request) => (request.json as { numbers: string[] }).numbers);

	it('asks about the number of every item in one request and gives each answer back to its item', async () => {
		const result = await runEvolutionNode(
			{ resource: 'chat', operation: 'checkNumbers', numbers: '={{ $json.phone }}', parallelRequests: 3 },
			{ credentials, items: phones.map((phone) => ({ json: { phone } })) },
		);
		expect(result.error()).toBeUndefined();
		expect(numberRequests()).toEqual([phones]);
		expect(result.items.map((item) => item.json.number)).toEqual(phones);
		expect(result.items.map((item) => item.json.exists)).toEqual(phones.map((phone) => phone !== OFF_WHATSAPP));
		expect(result.items.map((item) => item.pairedItem)).toEqual(phones.map((_, item) => ({ item })));
	});

	it('packs at most 50 numbers a request without splitting an item, "Parallel Requests" of them at a time', async () => {
		const numberOf = (n: number) => `55119${20000001 + n}`; // none ending in 0000 (the sandbox: not on WhatsApp)
		// Item 0 has 60 numbers (asked as 50 + 10, as alone); items 1–40 have 3 each.
		const itemNumbers = [Array.from({ length: 60 }, (_, n) => numberOf(n))];
		for (let item = 1; item <= 40; item++) itemNumbers.push([0, 1, 2].map((n) => numberOf(100 + item * 3 + n)));
		const offWhatsApp = numberOf(100 + 7 * 3 + 1);
		await sandbox.call('POST', '/_sandbox/numbers/not-on-whatsapp', { numbers: [offWhatsApp] });

		const result = await runEvolutionNode(
			{ resource: 'chat', operation: 'checkNumbers', numbers: '={{ $json.numbers }}', parallelRequests: 2 },
			{ credentials, items: itemNumbers.map((numbers) => ({ json: { numbers: numbers.join(', ') } })) },
		);
		expect(result.error()).toBeUndefined();
		const requests = numberRequests();
		// Two in flight, the first held longest by the proxy: they reach the sandbox in either order.
		expect(requests.map((numbers) => numbers.length).sort((a, b) => b - a)).toEqual([50, 49, 48, 33]);
		expect(requests.flat().sort()).toEqual(itemNumbers.flat().sort());
		for (const numbers of itemNumbers.slice(1)) expect(requests.filter((sent) => sent.includes(numbers[0]) && sent.includes(numbers[2]))).toHaveLength(1);
		expect(proxy.maxInFlight).toBe(2);

		// Each item's rows, in its own order, linked to it.
		const byItem = itemNumbers.map((_, item) => result.items.filter((output) => (output.pairedItem as { item: number }).item === item));
		expect(byItem.map((rows) => rows.map((row) => row.json.number))).toEqual(itemNumbers);
		expect(result.items.map((item) => (item.pairedItem as { item: number }).item)).toEqual(itemNumbers.flatMap((numbers, item) => numbers.map(() => item)));
		expect(result.items.filter((item) => item.json.exists === false).map((item) => item.json.number)).toEqual([offWhatsApp]);
	});

	it('gives a number asked by two items to both, and a JID to its item', async () => {
		const asked = ['5511987654311', '+55 11 98765-4311', '5511987654321@s.whatsapp.net', OFF_WHATSAPP];
		const result = await runEvolutionNode(
			{ resource: 'chat', operation: 'checkNumbers', numbers: '={{ $json.phone }}' },
			{ credentials, items: asked.map((phone) => ({ json: { phone } })) },
		);
		expect(result.error()).toBeUndefined();
		// Evolution refuses a number twice in one list (400), so the second asking starts another request.
		expect(numberRequests().sort((a, b) => a.length - b.length)).toEqual([['5511987654311'], ['5511987654311', '5511987654321@s.whatsapp.net', OFF_WHATSAPP]]);
		expect(result.items.map((item) => [item.pairedItem, item.json.jid, item.json.exists])).toEqual([
			[{ item: 0 }, '5511987654311@s.whatsapp.net', true],
			[{ item: 1 }, '5511987654311@s.whatsapp.net', true],
			[{ item: 2 }, '5511987654321@s.whatsapp.net', true],
			[{ item: 3 }, `${OFF_WHATSAPP}@s.whatsapp.net`, false],
		]);
	});

	it('asks item by item again when a shared request fails, so each item gets its own answer or error', async () => {
		const instanceOf = (index: number) => (index % 2 === 1 ? 'no-such-instance' : INSTANCE);
		const items = phones.map((phone, index) => ({ json: { phone, instance: instanceOf(index) } }));
		const parameters = { resource: 'chat', operation: 'checkNumbers', numbers: '={{ $json.phone }}', instanceName: { __rl: true, mode: 'name', value: '={{ $json.instance }}' } };

		const kept = await runEvolutionNode(parameters, { credentials, items, continueOnFail: true });
		expect(sandbox.requestsTo(`/chat/whatsappNumbers/${INSTANCE}`).map((request) => (request.json as { numbers: string[] }).numbers)).toEqual([phones.filter((_, index) => index % 2 === 0)]);
		// The missing instance's shared request, then one per item.
		expect(sandbox.requestsTo('/chat/whatsappNumbers/no-such-instance').map((request) => (request.json as { numbers: string[] }).numbers)).toEqual([
			phones.filter((_, index) => index % 2 === 1),
			...phones.filter((_, index) => index % 2 === 1).map((phone) => [phone]),
		]);
		expect(kept.items.map((item) => item.pairedItem)).toEqual(phones.map((_, item) => ({ item })));
		expect(kept.items.map((item) => item.json.number ?? item.json.error)).toEqual(
			phones.map((phone, index) => (index % 2 === 1 ? 'Instance "no-such-instance" does not exist' : phone)),
		);

		const stopped = await runEvolutionNode(parameters, { credentials, items });
		expect((stopped.error('Evolution API') as { context?: { itemIndex?: number } } | undefined)?.context?.itemIndex).toBe(1);
	});
});
