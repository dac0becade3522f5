import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small loopback stand-in for the three Evolution routes the trigger calls (`/webhook/find`, `/webhook/set`,
 * `/chat/getBase64FromMediaMessage`), with Evolution's auth, 404-first guard order, and `webhook/set` partial
 * updates. The full simulator (server/sandbox) is used by the end-to-end tests; this one keeps the in-process
 * tests fast and lets them inspect every call.
 */
export interface StubWebhookRow {
	id: string;
	url: string;
	headers: Record<string, string> | null;
	enabled: boolean;
	events: string[];
	webhookByEvents: boolean;
	webhookBase64: boolean;
	instanceId: string;
}

export interface StubCall {
	method: string;
	path: string;
	apikey?: string;
	body?: unknown;
}

export interface EvolutionStub {
	url: string;
	apiKey: string;
	calls: StubCall[];
	webhooks: Map<string, StubWebhookRow | null>;
	media: Map<string, { base64: string; mimetype: string; fileName?: string }>;
	addInstance(name: string): void;
	close(): Promise<void>;
}

const ALL_EVENTS = ['MESSAGES_UPSERT', 'MESSAGES_UPDATE', 'CONNECTION_UPDATE'];

function readBody(req: IncomingMessage): Promise<unknown> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const text = Buffer.concat(chunks).toString();
			try {
				resolve(text === '' ? undefined : JSON.parse(text));
			} catch (error) {
				reject(error);
			}
		});
		req.on('error', reject);
	});
}

export async function startEvolutionStub(apiKey = 'stub-example-api-key'): Promise<EvolutionStub> {
	const webhooks = new Map<string, StubWebhookRow | null>();
	const media = new Map<string, { base64: string; mimetype: string; fileName?: string }>();
	const calls: StubCall[] = [];
	let rowCounter = 0;

	const server: Server = createServer(async (req, res) => {
		const send = (status: number, body: unknown) => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		const body = await readBody(req).catch(() => undefined);
		const url = new URL(req.url ?? '/', 'http://stub');
		const apikey = req.headers.apikey as string | undefined;
		calls.push({ method: req.method ?? '', path: url.pathname, apikey, body });
		const match = /^\/(webhook\/find|webhook\/set|chat\/getBase64FromMediaMessage)\/([^/]+)$/.exec(url.pathname);
		if (!match) return send(404, { status: 404, error: 'Not Found', response: { message: [`Cannot ${req.method} ${url.pathname}`] } });
		const [, route, encoded] = match;
		const instance = decodeURIComponent(encoded);
		if (!webhooks.has(instance))
			return send(404, { status: 404, error: 'Not Found', response: { message: [`The "${instance}" instance does not exist`] } });
		if (apikey !== apiKey) return send(401, { status: 401, error: 'Unauthorized', response: { message: 'Unauthorized' } });

		if (route === 'webhook/find' && req.method === 'GET') return send(200, webhooks.get(instance) ?? null);
		if (route === 'webhook/set' && req.method === 'POST') {
			const input = (body as { webhook?: Record<string, unknown> } | undefined)?.webhook;
			if (!input) return send(400, { status: 400, error: 'Bad Request', response: { message: [['instance requires property "webhook"']] } });
			const previous = webhooks.get(instance);
			const enabled = input.enabled === true;
			const row: StubWebhookRow = {
				id: previous?.id ?? `row${++rowCounter}`,
				url: String(input.url),
				// Partial update (CONTRACT correction 8): omitted fields keep their stored values.
				headers: (input.headers as Record<string, string> | undefined) ?? previous?.headers ?? null,
				enabled,
				events: enabled ? ((input.events as string[]).length === 0 ? ALL_EVENTS : (input.events as string[])) : [],
				webhookByEvents: (input.byEvents as boolean | undefined) ?? previous?.webhookByEvents ?? false,
				webhookBase64: (input.base64 as boolean | undefined) ?? previous?.webhookBase64 ?? false,
				instanceId: `${instance}-id`,
			};
			webhooks.set(instance, row);
			return send(201, row);
		}
		if (route === 'chat/getBase64FromMediaMessage' && req.method === 'POST') {
			const id = (body as { message?: { key?: { id?: string } } } | undefined)?.message?.key?.id ?? '';
			const file = media.get(id);
			if (!file) return send(400, { status: 400, error: 'Bad Request', response: { message: ['Message not found'] } });
			return send(201, { mediaType: 'imageMessage', fileName: file.fileName ?? `${id}.bin`, mimetype: file.mimetype, base64: file.base64, buffer: null });
		}
		return send(404, { status: 404, error: 'Not Found', response: { message: [`Cannot ${req.method} ${url.pathname}`] } });
	});

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		apiKey,
		calls,
		webhooks,
		media,
		addInstance: (name: string) => webhooks.set(name, null),
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
