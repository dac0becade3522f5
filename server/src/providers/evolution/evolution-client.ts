import { EnvHttpProxyAgent, interceptors, request as undiciRequest, type Dispatcher } from 'undici';

/**
 * The server's one client for an Evolution API server (channels, outbox, history sync): undici's pooled keep-alive
 * sockets with a timeout, the `apikey` header, and Evolution's error envelope (CONTRACT §1.3) turned into one readable
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

// Shared by every client of the process: a keep-alive pool per origin. An idle socket is closed after at most 4 s,
// before Evolution's own server (Node's default keepAliveTimeout, 5 s) closes it: a request written on a socket the
// server is closing at that moment fails with a reset. undici rather than axios on Node's http client: the outbox
// sends hundreds of requests a second, and axios' layers (follow-redirects, Node's http agent) were ~30 % of the
// outbox process's CPU. HTTP(S)_PROXY / NO_PROXY are honoured as axios honoured them; redirects are followed.
const IDLE_SOCKET_MS = 4_000;
const CONNECT_TIMEOUT_MS = 10_000;
const dispatcher: Dispatcher = new EnvHttpProxyAgent({
	connections: 64,
	keepAliveTimeout: IDLE_SOCKET_MS,
	keepAliveMaxTimeout: IDLE_SOCKET_MS,
	connect: { timeout: CONNECT_TIMEOUT_MS },
}).compose(interceptors.redirect({ maxRedirections: 5 }));

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The socket error code, or undici's own (`UND_ERR_…`). */
function errorCode(error: unknown): string | undefined {
	const code = (error as { code?: unknown }).code;
	return typeof code === 'string' ? code : undefined;
}

/**
 * Whether a failed request certainly never reached Evolution: the connection itself could not be made (refused,
 * unreachable, cancelled: any error of the connect syscall, or the connect timing out), so no byte of it was sent.
 */
function failedToConnect(error: unknown): boolean {
	if (errorCode(error) === 'UND_ERR_CONNECT_TIMEOUT') return true;
	const cause = (error as { cause?: unknown }).cause ?? error;
	const errors = (cause as { errors?: unknown[] }).errors ?? [cause];
	return errors.length > 0 && errors.every((item) => (item as { syscall?: string } | undefined)?.syscall === 'connect');
}

/** The connection broke before the answer came: reset by the peer, or closed by it mid-request. */
function connectionLost(error: unknown): boolean {
	const code = errorCode(error);
	return code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET';
}

/**
 * Whether a failed request may be sent once more as it is: nothing was sent, or a read met a broken connection (the
 * keep-alive race: the server closed the pooled socket as the request went out). A POST that may have arrived is
 * never repeated here: the outbox looks for the message before sending it again.
 */
function safeToRepeat(error: unknown, method: string): boolean {
	return failedToConnect(error) || (connectionLost(error) && IDEMPOTENT.has(method.toUpperCase()));
}

const DEADLINE_PASSED = 'EVOLUTION_DEADLINE';

function timedOut(error: unknown): boolean {
	const code = errorCode(error);
	return code === DEADLINE_PASSED || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'ETIMEDOUT';
}

/** Evolution answers JSON; anything else (an HTML error page of a proxy, an empty body) is kept as text. */
function parseBody(text: string): unknown {
	if (!text) return text;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

function queryString(query: EvolutionRequestOptions['query']): string {
	if (!query) return '';
	const params = new URLSearchParams();
	for (const [key, value] of Object.entries(query)) if (value !== undefined) params.append(key, String(value));
	const text = params.toString();
	return text ? `?${text}` : '';
}

const DEFAULT_TIMEOUT_MS = 15_000;

interface Answer {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	data: unknown;
}

export class EvolutionClient {
	private readonly base: string;

	constructor(private readonly options: EvolutionClientOptions) {
		this.base = options.baseUrl.replace(/\/+$/, '');
	}

	get baseUrl(): string {
		return this.options.baseUrl;
	}

	async request<T = unknown>(method: string, path: string, body?: unknown, options: EvolutionRequestOptions = {}): Promise<T> {
		const target = options.instance === undefined ? path : `${path.replace(/\/+$/, '')}/${encodeURIComponent(options.instance)}`;
		const url = `${this.base}${target.startsWith('/') ? '' : '/'}${target}${queryString(options.query)}`;
		const apiKey = options.apiKey ?? this.options.apiKey;
		const timeout = options.timeout ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
		const headers: Record<string, string> = { accept: 'application/json' };
		if (apiKey) headers.apikey = apiKey;
		if (body !== undefined) headers['content-type'] = 'application/json';
		const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
		const send = async (): Promise<Answer> => {
			// One deadline for the whole exchange, to the millisecond (undici's own header/body timers tick once a second).
			const deadline = new AbortController();
			const timer = setTimeout(() => deadline.abort(Object.assign(new Error(`no answer in ${timeout} ms`), { code: DEADLINE_PASSED })), timeout);
			try {
				const response = await undiciRequest(url, { method: method.toUpperCase() as Dispatcher.HttpMethod, headers, body: payload, dispatcher, signal: deadline.signal });
				return { status: response.statusCode, headers: response.headers, data: parseBody(await response.body.text()) };
			} finally {
				clearTimeout(timer);
			}
		};
		let response: Answer;
		try {
			response = await send().catch((error: unknown) => {
				// Once, at once: a failed connect or a stale pooled socket says nothing about Evolution's health.
				if (safeToRepeat(error, method)) return send();
				throw error;
			});
		} catch (error) {
			const nothingSent = failedToConnect(error);
			const late = !nothingSent && timedOut(error);
			// A broken connection is reported as a reset whatever layer saw it: the request may have arrived.
			const code = connectionLost(error) ? 'ECONNRESET' : errorCode(error);
			throw new EvolutionError(
				late ? `Evolution at ${this.options.baseUrl} did not answer ${method} ${path} in time` : `Cannot reach Evolution at ${this.options.baseUrl} (${code ?? (error as Error).message})`,
				late ? 'timeout' : 'unreachable',
				undefined,
				method,
				path,
				undefined,
				code,
				undefined,
				nothingSent,
			);
		}
		const data = response.data;
		if (response.status >= 400) {
			const retryAfter = response.headers['retry-after'];
			const retryAfterMs = response.status === 429 ? parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter) : undefined;
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
