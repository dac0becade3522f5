import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

export type RequestContext = IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions | IWebhookFunctions;

/** A credential's data and the decrypted credential n8n's authentication takes (read with its node's reference). */
export async function readCredential(
	this: RequestContext,
	credentialName: string,
): Promise<{ data: ICredentialDataDecryptedObject; credentials: ICredentialsDecrypted }> {
	const data = await this.getCredentials<ICredentialDataDecryptedObject>(credentialName);
	const reference = this.getNode().credentials?.[credentialName];
	return { data, credentials: { id: reference?.id ?? '', name: reference?.name ?? '', type: credentialName, data } };
}

/**
 * One credential read per node run (n8n gives every run its own context object): in n8n each `getCredentials` is a
 * database read plus a decryption, and a run of 1,000 items used to make several of them per item.
 */
export function oncePerRun<T>(read: (this: RequestContext) => Promise<T>): (this: RequestContext) => Promise<T> {
	const connections = new WeakMap<object, Promise<T>>();
	return async function (this: RequestContext): Promise<T> {
		let connection = connections.get(this);
		if (!connection) {
			connection = read.call(this);
			connections.set(this, connection);
			// A failed read is not remembered: the next item asks again and gets its own error.
			connection.catch(() => connections.delete(this));
		}
		return await connection;
	};
}

/**
 * One request with the credential read once for this run; a request that got no answer becomes a NodeApiError that
 * says the server is unreachable (`service` at `baseUrl`) and which credential field to check.
 */
export async function requestWithCredential(
	this: RequestContext,
	request: {
		credentialName: string;
		credentials: ICredentialsDecrypted;
		options: IHttpRequestOptions;
		itemIndex?: number;
		/** Sent over a kept-alive connection with these (authentication) headers instead of through n8n's HTTP client. */
		keptAlive?: { headers: Record<string, string> };
	},
	unreachable: { service: string; baseUrl: string; urlField: string; method: string; path: string },
): Promise<unknown> {
	if (request.keptAlive && !reachedOnlyThroughN8n.has(unreachable.baseUrl)) {
		try {
			return await keptAliveRequest(request.options, request.keptAlive.headers);
		} catch (error) {
			if (!neverConnected(error) && !redirected(error)) throw unreachableError.call(this, error, request.itemIndex, unreachable);
			// Nothing reached the server, or it only answered with a redirect, so the request may go again: through
			// n8n's client, which honours n8n's proxy settings (HTTP_PROXY…) where a direct connection is not allowed and
			// follows redirects as n8n does. Remembered for this base URL when it works.
			const answer = await viaN8nClient.call(this, request, unreachable);
			reachedOnlyThroughN8n.add(unreachable.baseUrl);
			return answer;
		}
	}
	return await viaN8nClient.call(this, request, unreachable);
}

async function viaN8nClient(
	this: RequestContext,
	request: { credentialName: string; credentials: ICredentialsDecrypted; options: IHttpRequestOptions; itemIndex?: number },
	unreachable: { service: string; baseUrl: string; urlField: string; method: string; path: string },
): Promise<unknown> {
	try {
		return await this.helpers.httpRequestWithAuthentication.call(
			this,
			request.credentialName,
			request.options,
			// Not read again for every request. A copy, because n8n may merge pre-authentication data into what it is given.
			{ credentialsDecrypted: { ...request.credentials, data: { ...request.credentials.data } } },
		);
	} catch (error) {
		throw unreachableError.call(this, error, request.itemIndex, unreachable);
	}
}

/** A request that got no answer, as a NodeApiError saying the server is unreachable and which credential field to check. */
function unreachableError(
	this: RequestContext,
	error: unknown,
	itemIndex: number | undefined,
	unreachable: { service: string; baseUrl: string; urlField: string; method: string; path: string },
): NodeApiError {
	// n8n has already wrapped the network error; its low-level text ("connect ECONNREFUSED …") survives in `messages`.
	// fetch's "fetch failed" keeps it in `cause`.
	const wrapped = error as { message?: string; messages?: string[]; cause?: { message?: string } };
	const lowLevel = [...(wrapped.messages ?? []), wrapped.cause?.message ?? '', wrapped.message ?? ''].filter((text) => text !== '');
	// No `code` in the error object: NodeApiError would replace our message with its generic one.
	return new NodeApiError(
		this.getNode(),
		{ message: lowLevel[0] ?? 'Request failed' },
		{
			message: `Cannot reach ${unreachable.service} at ${unreachable.baseUrl}`,
			description: `${unreachable.method} ${unreachable.path} failed before an answer arrived (${lowLevel[0] ?? 'no answer'}). Check the ${unreachable.urlField} in the credential and that the server is running.`,
			itemIndex,
		},
	);
}

/** Base URLs that a direct connection could not reach and n8n's HTTP client (with its proxy settings) could. */
const reachedOnlyThroughN8n = new Set<string>();

/** fetch's failures that happen before a connection exists: the server cannot have seen the request. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** fetch refused to follow a redirect (`redirect: 'error'`): the server answered 3xx and did nothing else. */
function redirected(error: unknown): boolean {
	return (error as { cause?: { message?: unknown } }).cause?.message === 'unexpected redirect';
}

function neverConnected(error: unknown): boolean {
	const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
	// fetch refuses a few ports outright ("bad port": 9, 6000, 6666…); n8n's client does not.
	return (typeof cause?.code === 'string' && NOT_CONNECTED.has(cause.code)) || cause?.message === 'bad port';
}

/**
 * One JSON request over the process's kept-alive connections (Node's fetch pools them per origin). n8n's HTTP client
 * opens and closes a TCP connection for every request (it builds a new agent each time), which is most of what a
 * send costs both n8n and the server over a run of many items. Answers as n8n's client does with
 * `returnFullResponse` and `ignoreHttpStatusErrors`: the status, the headers and the body (parsed when it is JSON).
 */
async function keptAliveRequest(options: IHttpRequestOptions, headers: Record<string, string>): Promise<{ statusCode: number; headers: Record<string, string>; body: unknown }> {
	// A URL object only when there is a query to add (fetch parses the string itself).
	let url: string | URL = options.url;
	for (const [key, value] of Object.entries(options.qs ?? {})) {
		if (value === undefined || value === null) continue;
		if (typeof url === 'string') url = new URL(url);
		url.searchParams.append(key, String(value as string | number | boolean));
	}
	// As n8n's client: no body on a GET or HEAD, nor for an empty object or list (Evolution reads that as `{}`).
	const body = options.body as unknown;
	const hasBody =
		options.method !== 'GET' && options.method !== 'HEAD' && typeof body === 'object' && body !== null && Object.keys(body).length > 0;
	const response = await fetch(url, {
		method: options.method ?? 'GET',
		headers: { accept: 'application/json', 'user-agent': 'n8n', ...(hasBody ? { 'content-type': 'application/json' } : {}), ...headers },
		body: hasBody ? JSON.stringify(body) : undefined,
		signal: options.timeout ? AbortSignal.timeout(options.timeout) : undefined,
		// Redirects are not followed here: fetch copies every request that may be redirected (its body stream is teed:
		// a measurable part of a send), and Evolution answers its API directly. A server that does redirect (a proxy
		// moving http to https) is reached through n8n's client, which follows redirects as n8n always has.
		redirect: 'error',
	});
	const text = await response.text();
	let answer: unknown = text;
	if ((response.headers.get('content-type') ?? '').includes('json') && text.trim() !== '') {
		try {
			answer = JSON.parse(text) as unknown;
		} catch {
			answer = text;
		}
	}
	return {
		statusCode: response.status,
		// Copied only when read (the node's own requests never read them).
		get headers() {
			return Object.fromEntries(response.headers.entries());
		},
		body: answer,
	};
}
