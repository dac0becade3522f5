import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios, { type AxiosInstance, type Method } from 'axios';

/**
 * The server's one client for an Evolution API server (channels, outbox, history sync): axios with a timeout and
 * keep-alive sockets, the `apikey` header, and Evolution's error envelope (CONTRACT §1.3) turned into one readable
 * sentence. Generic on purpose: `request(method, path, body, {instance})` calls `/path/{instance}`.
 */
export interface EvolutionClientOptions {
	baseUrl: string;
	/** The global key (needed for /instance/create) or an instance token. */
	apiKey?: string;
	/** Per request, unless the call says otherwise. */
	timeoutMs?: number;
}

export interface EvolutionRequestOptions {
	/** Appended to the path, encoded: `/instance/connect` + `acme` → `/instance/connect/acme`. */
	instance?: string;
	timeout?: number;
	query?: Record<string, string | number | undefined>;
	/** Overrides the client's key for this call (e.g. the instance token). */
	apiKey?: string;
}

export type EvolutionErrorKind = 'unreachable' | 'timeout' | 'http' | 'error_flag';

/** A failed Evolution call: `message` says what happened in words a person can act on; never carries the key. */
export class EvolutionError extends Error {
	constructor(
		message: string,
		readonly kind: EvolutionErrorKind,
		readonly status: number | undefined,
		readonly method: string,
		readonly path: string,
		/** Evolution's answer, as parsed (its `response.message` is already in `message`). */
		readonly body?: unknown,
		/** The socket error code when no answer came (ECONNREFUSED: nothing was sent; ECONNRESET: it may have been). */
		readonly code?: string,
		/** A 429's Retry-After, in ms. */
		readonly retryAfterMs?: number,
		/** True when the connection could not be made: the request certainly never reached Evolution. */
		readonly nothingSent = false,
	) {
		super(message);
		this.name = 'EvolutionError';
	}
}

// Shared by every client of the process: a keep-alive pool per origin, as axios' default agents are not keep-alive.
// An idle socket is closed after 4 s, before Evolution's own server (Node's default keepAliveTimeout, 5 s) closes it:
// a request written on a socket the server is closing at that moment fails with ECONNRESET.
const IDLE_SOCKET_MS = 4_000;
const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 64, keepAliveMsecs: 15_000, timeout: IDLE_SOCKET_MS });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 64, keepAliveMsecs: 15_000, timeout: IDLE_SOCKET_MS });

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether a failed request certainly never reached Evolution: the connection itself could not be made (refused,
 * unreachable, cancelled: any error of the connect syscall), so no byte of the request was sent.
 */
function failedToConnect(error: unknown): boolean {
	const cause = (error as { cause?: unknown }).cause ?? error;
	const errors = (cause as { errors?: unknown[] }).errors ?? [cause];
	return errors.length > 0 && errors.every((item) => (item as { syscall?: string } | undefined)?.syscall === 'connect');
}

/**
 * Whether a failed request may be sent once more as it is: nothing was sent, or an idempotent read met the idle
 * keep-alive race (the server closed the pooled socket as the request went out; Node's own advice is to retry).
 */
function safeToRepeat(error: unknown, method: string): boolean {
	if (failedToConnect(error)) return true;
	// axios' request is follow-redirects' wrapper; the socket's story is on the native request inside it.
	const request = (error as { request?: { reusedSocket?: boolean; _currentRequest?: { reusedSocket?: boolean } } }).request;
	const reused = request?.reusedSocket ?? request?._currentRequest?.reusedSocket;
	return (error as { code?: string }).code === 'ECONNRESET' && reused === true && IDEMPOTENT.has(method.toUpperCase());
}

const DEFAULT_TIMEOUT_MS = 15_000;

export class EvolutionClient {
	private readonly http: AxiosInstance;

	constructor(private readonly options: EvolutionClientOptions) {
		this.http = axios.create({
			baseURL: options.baseUrl.replace(/\/+$/, ''),
			timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
			httpAgent,
			httpsAgent,
			// Every status is an answer here; request() decides what is an error.
			validateStatus: () => true,
			// Evolution's bodies may be large (findMessages pages, base64 media): no arbitrary cap below Evolution's own.
			maxContentLength: 200 * 1024 * 1024,
			maxBodyLength: 200 * 1024 * 1024,
		});
	}

	get baseUrl(): string {
		return this.options.baseUrl;
	}

	async request<T = unknown>(method: Method | string, path: string, body?: unknown, options: EvolutionRequestOptions = {}): Promise<T> {
		const url = options.instance === undefined ? path : `${path.replace(/\/+$/, '')}/${encodeURIComponent(options.instance)}`;
		const apiKey = options.apiKey ?? this.options.apiKey;
		const send = () =>
			this.http.request({
				method: method as Method,
				url,
				data: body,
				params: options.query,
				timeout: options.timeout,
				headers: { ...(apiKey ? { apikey: apiKey } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
			});
		let response;
		try {
			response = await send().catch((error: unknown) => {
				// Once, at once: a failed connect or a stale pooled socket says nothing about Evolution's health.
				if (safeToRepeat(error, method)) return send();
				throw error;
			});
		} catch (error) {
			const code = (error as { code?: string }).code;
			const nothingSent = failedToConnect(error);
			const timedOut = !nothingSent && (code === 'ECONNABORTED' || code === 'ETIMEDOUT');
			throw new EvolutionError(
				timedOut
					? `Evolution at ${this.options.baseUrl} did not answer ${method} ${path} in time`
					: `Cannot reach Evolution at ${this.options.baseUrl} (${code ?? (error as Error).message})`,
				timedOut ? 'timeout' : 'unreachable',
				undefined,
				method,
				path,
				undefined,
				code,
				undefined,
				nothingSent,
			);
		}
		const data = response.data as unknown;
		if (response.status >= 400) {
			const retryAfterMs = response.status === 429 ? parseRetryAfter(response.headers['retry-after']) : undefined;
			throw new EvolutionError(`Evolution answered ${response.status} to ${method} ${path}: ${evolutionErrorText(data)}`, 'http', response.status, method, path, data, undefined, retryAfterMs);
		}
		// /instance/connect and /instance/restart catch everything and answer 200 {error: true, message} (CONTRACT §1.3).
		if (isErrorFlag(data)) {
			throw new EvolutionError(`Evolution could not ${method} ${path}: ${evolutionErrorText(data)}`, 'error_flag', response.status, method, path, data);
		}
		return data as T;
	}
}

/** Retry-After as seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown): number | undefined {
	if (typeof value !== 'string' || !value.trim()) return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const at = Date.parse(value);
	return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function isErrorFlag(data: unknown): data is { error: true; message?: unknown } {
	return typeof data === 'object' && data !== null && (data as { error?: unknown }).error === true;
}

/**
 * Evolution's `response.message` is a string, a string[], a string[][] (JSON-schema errors) or objects
 * ({jid, exists, number} for a number not on WhatsApp; {property, message} for group validation): one sentence.
 */
export function evolutionErrorText(body: unknown): string {
	if (body === undefined || body === null || body === '') return 'no details';
	if (typeof body === 'string') return body.slice(0, 300);
	if (typeof body !== 'object') return String(body);
	const record = body as { response?: { message?: unknown }; message?: unknown; error?: unknown };
	const message = record.response?.message ?? record.message ?? record.error;
	const parts = flatten(message);
	return (parts.length ? parts.join('; ') : JSON.stringify(body)).slice(0, 300);
}

function flatten(value: unknown): string[] {
	if (value === undefined || value === null) return [];
	if (typeof value === 'string') return [value];
	if (Array.isArray(value)) return value.flatMap(flatten);
	if (typeof value === 'object') {
		const item = value as { message?: unknown; property?: unknown; exists?: unknown; number?: unknown; jid?: unknown };
		if (item.exists === false) return [`${String(item.number ?? item.jid)} is not on WhatsApp`];
		if (item.message !== undefined) return [`${item.property ? `${String(item.property)}: ` : ''}${flatten(item.message).join(', ')}`];
		return [JSON.stringify(value)];
	}
	return [String(value)];
}
