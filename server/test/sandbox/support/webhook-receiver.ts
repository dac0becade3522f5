/** A loopback webhook receiver that records every POST and can answer with scripted statuses. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
	path: string;
	headers: IncomingMessage['headers'];
	raw: string;
	body: any;
	at: number;
}

export class WebhookReceiver {
	readonly received: ReceivedWebhook[] = [];
	/** Statuses to answer, consumed in order; then 200. */
	readonly script: number[] = [];
	/**
	 * Statuses to answer on one path, consumed in order before the shared script: a late delivery for another path
	 * (a previous test's instance, slow on a loaded machine) cannot use them up.
	 */
	readonly scriptByPath = new Map<string, number[]>();
	/** Files served on GET (path → bytes and content type), e.g. media for sendMedia by URL. */
	readonly files = new Map<string, { data: Buffer; contentType: string }>();
	private server: Server | undefined;
	private waiters: Array<() => void> = [];
	url = '';

	async start(): Promise<this> {
		this.server = createServer((request, response) => {
			if (request.method === 'GET') {
				const file = this.files.get(request.url ?? '');
				response.statusCode = file ? 200 : 404;
				if (file) response.setHeader('content-type', file.contentType);
				response.end(file?.data ?? 'not found');
				return;
			}
			const chunks: Buffer[] = [];
			request.on('data', (chunk: Buffer) => chunks.push(chunk));
			request.on('end', () => {
				const raw = Buffer.concat(chunks).toString('utf8');
				let body: unknown;
				try {
					body = JSON.parse(raw);
				} catch {
					body = raw;
				}
				this.received.push({ path: request.url ?? '', headers: request.headers, raw, body, at: Date.now() });
				response.statusCode = this.scriptByPath.get(request.url ?? '')?.shift() ?? this.script.shift() ?? 200;
				response.end('ok');
				for (const waiter of this.waiters.splice(0)) waiter();
			});
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		return this;
	}

	events(event: string): ReceivedWebhook[] {
		return this.received.filter((hook) => hook.body?.event === event);
	}

	/** Waits (event-driven, with a generous deadline) until `predicate` holds over the received hooks. */
	async waitFor(predicate: (received: ReceivedWebhook[]) => boolean, timeoutMs = 10000): Promise<ReceivedWebhook[]> {
		const deadline = Date.now() + timeoutMs;
		while (!predicate(this.received)) {
			const remaining = deadline - Date.now();
			if (remaining <= 0) throw new Error(`Timed out waiting for webhooks; got: ${this.received.map((hook) => hook.body?.event).join(', ')}`);
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, Math.min(remaining, 200));
				this.waiters.push(() => {
					clearTimeout(timer);
					resolve();
				});
			});
		}
		return this.received;
	}

	async waitForEvent(event: string, count = 1, where: (hook: ReceivedWebhook) => boolean = () => true): Promise<ReceivedWebhook[]> {
		await this.waitFor((received) => received.filter((hook) => hook.body?.event === event && where(hook)).length >= count);
		return this.events(event).filter(where);
	}

	async close(): Promise<void> {
		this.server?.closeAllConnections();
		await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
	}
}
