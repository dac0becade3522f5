/**
 * The Evolution sandbox behind a recording proxy: tests see exactly what the node put on the wire
 * (method, path, query, headers, raw body) and what the sandbox answered.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { startSandbox } from '../../server/sandbox';

export const SANDBOX_API_KEY = 'example-global-key';

export interface RecordedRequest {
	method: string;
	path: string;
	query: URLSearchParams;
	headers: IncomingHttpHeaders;
	body: Buffer;
	status: number;
	responseBody: Buffer;
	/** The request body parsed as JSON (undefined for multipart or empty bodies). */
	json: unknown;
}

export interface MultipartPart {
	name: string;
	fileName?: string;
	contentType?: string;
	data: Buffer;
}

/** The stored row of a message a customer sent (the parts tests use). */
export interface ReceivedMessage {
	key: { id: string; remoteJid: string; fromMe: boolean };
	messageType: string;
}

export interface EvolutionSandbox {
	/** The proxy URL: give this to the credential. */
	url: string;
	sandboxUrl: string;
	apiKey: string;
	requests: RecordedRequest[];
	/** Requests whose path starts with the prefix (control calls under /_sandbox are never recorded). */
	requestsTo(pathPrefix: string): RecordedRequest[];
	clearRequests(): void;
	/** Calls the sandbox directly (not recorded) with the global key. */
	call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
	/** Creates an instance, starts the QR flow and plays the phone scanning it. */
	connectedInstance(name: string, number?: string): Promise<{ token: string }>;
	/** Makes a customer send a message to the instance; returns the stored message. */
	receive(instance: string, spec: Record<string, unknown>): Promise<ReceivedMessage>;
	close(): Promise<void>;
}

export async function startEvolutionSandbox(options: { qrRefreshMs?: number } = {}): Promise<EvolutionSandbox> {
	const sandbox = await startSandbox({
		apiKey: SANDBOX_API_KEY,
		qrRefreshMs: options.qrRefreshMs ?? 60000,
		maxSendDelayMs: 2000,
		ackDelaysMs: { serverAck: 5, delivery: 10, read: 20, played: 30 },
	});
	const target = new URL(sandbox.url);
	const requests: RecordedRequest[] = [];

	const proxy: Server = createServer((incoming, outgoing) => {
		const chunks: Buffer[] = [];
		incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
		incoming.on('end', () => {
			const body = Buffer.concat(chunks);
			const forward = httpRequest(
				{
					host: target.hostname,
					port: target.port,
					method: incoming.method,
					path: incoming.url,
					headers: { ...incoming.headers, host: target.host },
				},
				(answer) => {
					const answerChunks: Buffer[] = [];
					answer.on('data', (chunk: Buffer) => answerChunks.push(chunk));
					answer.on('end', () => {
						const responseBody = Buffer.concat(answerChunks);
						const url = new URL(incoming.url ?? '/', 'http://proxy');
						if (!url.pathname.startsWith('/_sandbox')) {
							let json: unknown;
							if (String(incoming.headers['content-type'] ?? '').includes('json') && body.length > 0) {
								json = JSON.parse(body.toString('utf8'));
							}
							requests.push({
								method: incoming.method ?? 'GET',
								path: url.pathname,
								query: url.searchParams,
								headers: incoming.headers,
								body,
								status: answer.statusCode ?? 0,
								responseBody,
								json,
							});
						}
						outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
						outgoing.end(responseBody);
					});
				},
			);
			forward.on('error', (error) => {
				outgoing.writeHead(502);
				outgoing.end(String(error));
			});
			forward.end(body);
		});
	});
	await new Promise<void>((resolveListen) => proxy.listen(0, '127.0.0.1', resolveListen));
	const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

	const call = async <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => {
		const response = await fetch(`${sandbox.url}${path}`, {
			method,
			headers: { apikey: SANDBOX_API_KEY, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
			body: body !== undefined ? JSON.stringify(body) : undefined,
		});
		const text = await response.text();
		let parsed: unknown = text;
		try {
			parsed = text === '' ? undefined : JSON.parse(text);
		} catch {
			// keep the text
		}
		return { status: response.status, body: parsed as T };
	};

	return {
		url,
		sandboxUrl: sandbox.url,
		apiKey: SANDBOX_API_KEY,
		requests,
		requestsTo: (prefix) => requests.filter((entry) => entry.path.startsWith(prefix)),
		clearRequests: () => {
			requests.length = 0;
		},
		call,
		async connectedInstance(name, number = '5511999991234') {
			const created = await call('POST', '/instance/create', { instanceName: name, integration: 'WHATSAPP-BAILEYS' });
			if (created.status !== 201) throw new Error(`create ${name}: ${created.status} ${JSON.stringify(created.body)}`);
			const connect = await call('GET', `/instance/connect/${name}`);
			if (connect.status !== 200) throw new Error(`connect ${name}: ${connect.status} ${JSON.stringify(connect.body)}`);
			const scan = await call('POST', `/_sandbox/instances/${name}/scan`, { number });
			if (scan.status !== 200) throw new Error(`scan ${name}: ${scan.status} ${JSON.stringify(scan.body)}`);
			return { token: String(created.body.hash) };
		},
		async receive(instance, spec) {
			const answer = await call('POST', `/_sandbox/instances/${instance}/messages`, spec);
			if (answer.status !== 200) throw new Error(`receive: ${answer.status} ${JSON.stringify(answer.body)}`);
			return (answer.body as { message: ReceivedMessage }).message;
		},
		async close() {
			await new Promise<void>((resolveClose) => proxy.close(() => resolveClose()));
			proxy.closeAllConnections?.();
			// Drops the instances (and their QR timers) before the server goes.
			await call('POST', '/_sandbox/reset', {});
			await sandbox.close();
		},
	};
}

/** Splits a multipart/form-data body into its parts. */
export function parseMultipart(request: RecordedRequest): MultipartPart[] {
	const contentType = String(request.headers['content-type'] ?? '');
	const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
	if (!boundary) throw new Error(`Not multipart: ${contentType}`);
	const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
	const parts: MultipartPart[] = [];
	let start = request.body.indexOf(delimiter) + delimiter.length;
	for (;;) {
		const end = request.body.indexOf(delimiter, start);
		if (end === -1) break;
		const part = request.body.subarray(start + 2, end - 2); // skip CRLF after delimiter and before next
		const headerEnd = part.indexOf('\r\n\r\n');
		const headers = part.subarray(0, headerEnd).toString('utf8');
		const disposition = /name="([^"]*)"(?:; filename="([^"]*)")?/.exec(headers);
		const type = /content-type:\s*([^\r\n]+)/i.exec(headers);
		parts.push({
			name: disposition?.[1] ?? '',
			fileName: disposition?.[2],
			contentType: type?.[1],
			data: part.subarray(headerEnd + 4),
		});
		start = end + delimiter.length;
	}
	return parts;
}
