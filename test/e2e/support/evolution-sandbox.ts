/**
 * The Evolution sandbox (server/sandbox) in this process, plus a typed client for the Evolution routes and
 * the /_sandbox control API the end-to-end tests use, and a loopback "other receiver" that records POSTs.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { startSandbox } from '../../../server/sandbox';

export interface SandboxDelivery {
	id: number;
	instance: string;
	event: string;
	url: string;
	headers: Record<string, string>;
	body: Record<string, any>;
	attempts: Array<{ status?: number; error?: string }>;
	state: 'pending' | 'delivered' | 'failed';
}

export interface RunningSandbox {
	url: string;
	apiKey: string;
	request(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
	/** Evolution route that must succeed. */
	ok(method: string, path: string, body?: unknown): Promise<any>;
	createConnectedInstance(name: string): Promise<void>;
	/** A customer (or the phone) sends a message to the instance (control API). */
	receive(instance: string, spec: Record<string, unknown>): Promise<Record<string, any>>;
	deliveries(instance: string, event?: string): Promise<SandboxDelivery[]>;
	findWebhook(instance: string): Promise<Record<string, any> | null>;
	close(): Promise<void>;
}

export async function startEvolutionSandbox(apiKey = 'sandbox-example-api-key'): Promise<RunningSandbox> {
	const sandbox = await startSandbox({ apiKey, host: '127.0.0.1', port: 0, logger: false, ackDelaysMs: { serverAck: 50, delivery: 100, read: 150, played: 200 } });
	const request = async (method: string, path: string, body?: unknown) => {
		const response = await fetch(`${sandbox.url}${path}`, {
			method,
			headers: { apikey: apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(30_000),
		});
		const text = await response.text();
		let json: any = text;
		try {
			json = text === '' ? undefined : JSON.parse(text);
		} catch {
			/* keep text */
		}
		return { status: response.status, json };
	};
	const ok = async (method: string, path: string, body?: unknown) => {
		const { status, json } = await request(method, path, body);
		if (status >= 300) throw new Error(`sandbox ${method} ${path}: ${status} ${JSON.stringify(json)}`);
		return json;
	};
	return {
		url: sandbox.url,
		apiKey,
		request,
		ok,
		async createConnectedInstance(name) {
			await ok('POST', '/instance/create', { instanceName: name, integration: 'WHATSAPP-BAILEYS', qrcode: false });
			await ok('GET', `/instance/connect/${name}`);
			await ok('POST', `/_sandbox/instances/${name}/scan`, { number: '5511999990000', profileName: 'ACME Vendas' });
		},
		async receive(instance, spec) {
			return (await ok('POST', `/_sandbox/instances/${instance}/messages`, spec)).message as Record<string, any>;
		},
		async deliveries(instance, event) {
			const query = new URLSearchParams({ instance, ...(event ? { event } : {}) });
			return (await ok('GET', `/_sandbox/deliveries?${query}`)) as SandboxDelivery[];
		},
		async findWebhook(instance) {
			return ((await ok('GET', `/webhook/find/${instance}`)) ?? null) as Record<string, any> | null;
		},
		close: () => sandbox.close(),
	};
}

export interface RecordingReceiver {
	url: string;
	received: Array<{ path: string; headers: Record<string, unknown>; body: any }>;
	close(): Promise<void>;
}

/** Another webhook receiver (e.g. a CRM) that was on the instance before the trigger. */
export async function startRecordingReceiver(): Promise<RecordingReceiver> {
	const received: RecordingReceiver['received'] = [];
	const server: Server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			let body: unknown = undefined;
			try {
				body = JSON.parse(Buffer.concat(chunks).toString());
			} catch {
				body = Buffer.concat(chunks).toString();
			}
			received.push({ path: req.url ?? '', headers: req.headers, body });
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end('{"ok":true}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/hooks/whatsapp`,
		received,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
