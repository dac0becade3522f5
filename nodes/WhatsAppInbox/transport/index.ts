import type {
	ICredentialsDecrypted,
	IDataObject,
	IHttpRequestMethods,
	IHttpRequestOptions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { oncePerRun, readCredential, requestWithCredential, type RequestContext } from '../../shared/transport';
import { normalizeServerUrl } from '../helpers/connectionTest';

export const CREDENTIAL_NAME = 'whatsAppInboxApi';

export interface InboxRequest {
	method: IHttpRequestMethods;
	/** Path below the server URL, starting with `/api/v1/`. */
	path: string;
	body?: IDataObject | IDataObject[] | FormData;
	qs?: IDataObject;
	itemIndex?: number;
	timeout?: number;
	/** Answer the raw bytes (a PNG, a media file) instead of parsed JSON. */
	binary?: boolean;
	/** Answer undefined for a 404 instead of failing (something that may not exist yet, like a QR). */
	notFoundIsEmpty?: boolean;
}

export type InboxContext = RequestContext;

/** The credential of one node run, read once: the server URL and what n8n's authentication needs. */
export interface InboxConnection {
	serverUrl: string;
	credentials: ICredentialsDecrypted;
}

/** One credential read per node run (in n8n each read is a database read plus a decryption). */
export const getConnection = oncePerRun(async function (): Promise<InboxConnection> {
	const { data, credentials } = await readCredential.call(this, CREDENTIAL_NAME);
	return { serverUrl: normalizeServerUrl(data.serverUrl), credentials };
});

/** The server's `{error: {code, message}}`, whatever the route. */
function serverError(body: unknown): { code: string; message: string } {
	const error = typeof body === 'object' && body !== null ? (body as IDataObject).error : undefined;
	if (typeof error === 'object' && error !== null) {
		const { code, message } = error as IDataObject;
		return { code: String(code ?? ''), message: String(message ?? '') };
	}
	return { code: '', message: typeof body === 'string' ? body.slice(0, 300) : '' };
}

/** What an answer of the server means for the person running the workflow. */
export function explainInboxError(status: number, body: unknown, method: string, path: string): { message: string; description: string } {
	const { code, message } = serverError(body);
	const said = message !== '' ? message : `HTTP ${status}`;
	const where = `${method} ${path}`;
	if (status === 401) {
		return {
			message: 'Bad token: the WhatsApp Inbox server does not accept the API token (wrong, expired or revoked)',
			description: `${where} answered 401: ${said} Create a new token with POST /api/v1/api-tokens and put it in the credential.`,
		};
	}
	if (status === 403) {
		return {
			message: `Missing scope: ${said}`,
			description: `${where} answered 403. Channel and admin operations need a token with the "admin" scope.`,
		};
	}
	if (status === 404 && code === 'not_found' && message.startsWith('No route')) {
		return {
			message: `The WhatsApp Inbox server has no ${where} route`,
			description: 'The server is older than this node, or the Server URL points at another service. Update the server or check the credential.',
		};
	}
	if (status === 404) return { message: `Not found: ${said}`, description: `${where} answered 404 (${code || 'not_found'}).` };
	if (status === 429) return { message: `Rate limited: ${said}`, description: `${where} answered 429; wait a little and try again.` };
	if (status >= 500) {
		return { message: `The WhatsApp Inbox server failed (HTTP ${status}): ${said}`, description: `${where} answered ${status}${code ? ` (${code})` : ''}.` };
	}
	return { message: said, description: `${where} answered ${status}${code ? ` (${code})` : ''}.` };
}

/**
 * The one way the nodes talk to the WhatsApp Inbox server. Every non-2xx answer becomes a `NodeApiError` whose
 * message says what happened (bad token, missing scope, not found, the server's own validation text) and whose
 * description names the route; a request that got no answer says the server is unreachable.
 */
export async function inboxApiRequest(this: InboxContext, request: InboxRequest): Promise<unknown> {
	const { serverUrl, credentials } = await getConnection.call(this);
	const isMultipart = typeof FormData !== 'undefined' && request.body instanceof FormData;
	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${serverUrl}${request.path}`,
		qs: request.qs,
		body: request.body,
		json: !isMultipart && !request.binary,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: request.timeout,
	};
	if (request.binary) options.encoding = 'arraybuffer';
	if (request.body === undefined) delete options.body;
	if (request.qs === undefined) delete options.qs;

	const response = (await requestWithCredential.call(
		this,
		{ credentialName: CREDENTIAL_NAME, credentials, options, itemIndex: request.itemIndex },
		{ service: 'the WhatsApp Inbox server', baseUrl: serverUrl, urlField: 'Server URL', method: request.method, path: request.path },
	)) as { statusCode: number; body: unknown; headers?: IDataObject };

	const body = request.binary && response.statusCode < 400 ? response.body : parseBody(response.body);
	if (response.statusCode === 404 && request.notFoundIsEmpty) return undefined;
	if (response.statusCode >= 400) {
		const explained = explainInboxError(response.statusCode, body, request.method, request.path);
		throw new NodeApiError(this.getNode(), (typeof body === 'object' && body !== null ? body : { body }) as JsonObject, {
			message: explained.message,
			description: explained.description,
			httpCode: String(response.statusCode),
			itemIndex: request.itemIndex,
		});
	}
	return body;
}

/** JSON normally; the text when a proxy in front answered something else; bytes decoded when asked as binary failed. */
function parseBody(body: unknown): unknown {
	let text: string;
	if (typeof body === 'string') text = body;
	else if (body instanceof ArrayBuffer) text = new TextDecoder().decode(body);
	else if (ArrayBuffer.isView(body)) text = new TextDecoder().decode(body as Uint8Array);
	else return body;
	if (text.trim() === '') return undefined;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}
