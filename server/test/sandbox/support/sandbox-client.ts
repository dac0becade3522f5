/** Starts a sandbox on an ephemeral loopback port and talks to it with fetch. */
import { startSandbox, type SandboxOptions } from '../../../sandbox';

export const API_KEY = 'test-global-key';

export interface HttpResult {
	status: number;
	headers: Headers;
	body: any;
	text: string;
}

/**
 * fetch, tried once more when it certainly did no harm: the connection itself could not be made (nothing reached the
 * sandbox), or a read (GET) met a
 * reset — the keep-alive race, where the server closes an idle pooled connection as the request goes out on it (seen
 * after a test waited a minute for webhooks under load). Writes are never repeated: a reset POST fails the test.
 */
async function fetchRetryingConnect(url: string, init: RequestInit): Promise<Response> {
	try {
		return await fetch(url, init);
	} catch (error) {
		const cause = (error as { cause?: { syscall?: string; code?: string } }).cause;
		const read = (init.method ?? 'GET').toUpperCase() === 'GET';
		if (cause?.syscall !== 'connect' && !(read && cause?.code === 'ECONNRESET')) throw error;
		return fetch(url, init);
	}
}

export class SandboxClient {
	private constructor(
		readonly url: string,
		readonly close: () => Promise<void>,
	) {}

	static async start(options: Partial<SandboxOptions> = {}): Promise<SandboxClient> {
		const sandbox = await startSandbox({
			apiKey: API_KEY,
			qrRefreshMs: 60000,
			ackDelaysMs: { serverAck: 5, delivery: 10, read: 15, played: 20 },
			webhookRetry: { initialDelayMs: 20, maxDelayMs: 200, timeoutMs: 2000 },
			timezoneOffsetMinutes: 180,
			...options,
		});
		return new SandboxClient(sandbox.url, sandbox.close);
	}

	async request(method: string, path: string, body?: unknown, apikey: string | null = API_KEY, extraHeaders: Record<string, string> = {}): Promise<HttpResult> {
		const headers: Record<string, string> = { ...extraHeaders };
		if (apikey !== null) headers.apikey = apikey;
		let payload: string | FormData | undefined;
		if (body instanceof FormData) payload = body;
		else if (body !== undefined) {
			headers['content-type'] = 'application/json';
			payload = JSON.stringify(body);
		}
		const response = await fetchRetryingConnect(this.url + path, { method, headers, body: payload });
		const text = await response.text();
		let parsed: unknown;
		try {
			parsed = text ? JSON.parse(text) : undefined;
		} catch {
			parsed = text;
		}
		return { status: response.status, headers: response.headers, body: parsed, text };
	}

	get = (path: string, apikey?: string | null) => this.request('GET', path, undefined, apikey);
	post = (path: string, body?: unknown, apikey?: string | null) => this.request('POST', path, body ?? {}, apikey);
	delete = (path: string, body?: unknown, apikey?: string | null) => this.request('DELETE', path, body, apikey);

	/** Creates an instance (with a webhook to `webhookUrl` subscribed to `events`, [] = all). */
	async createInstance(name: string, webhook?: { url: string; events?: string[]; base64?: boolean; byEvents?: boolean; headers?: Record<string, string> }, extra: Record<string, unknown> = {}) {
		const response = await this.post('/instance/create', {
			instanceName: name,
			integration: 'WHATSAPP-BAILEYS',
			...(webhook ? { webhook: { events: [], ...webhook } } : {}),
			...extra,
		});
		if (response.status !== 201) throw new Error(`create failed: ${response.status} ${response.text}`);
		return response.body as { hash: string; instance: { instanceId: string } };
	}

	/** create → connect → scan: an open instance. */
	async openInstance(name: string, webhook?: Parameters<SandboxClient['createInstance']>[1], scan: Record<string, unknown> = {}) {
		const created = await this.createInstance(name, webhook);
		const connect = await this.get(`/instance/connect/${name}`);
		if (connect.status !== 200) throw new Error(`connect failed: ${connect.text}`);
		const scanned = await this.post(`/_sandbox/instances/${name}/scan`, scan);
		if (scanned.status !== 200) throw new Error(`scan failed: ${scanned.text}`);
		return created;
	}
}
