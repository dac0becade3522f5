import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { explainEvolutionError } from '../helpers/errors';

export const CREDENTIAL_NAME = 'evolutionApi';

export interface EvolutionRequest {
	method: IHttpRequestMethods;
	/** Path below the base URL, starting with `/`. */
	path: string;
	body?: IDataObject | IDataObject[] | FormData;
	qs?: IDataObject;
	/** Named in error messages ("Instance "x" is not connected"). */
	instanceName?: string;
	itemIndex?: number;
	timeout?: number;
}

type RequestContext = IExecuteFunctions | ILoadOptionsFunctions;

/** The credential of one node run, read once: its base URL, and what n8n's authentication needs. */
export interface EvolutionConnection {
	/** The credential's base URL without trailing slashes. */
	baseUrl: string;
	defaultInstance: string;
	credentials: ICredentialsDecrypted;
}

/**
 * One read per node run (n8n gives every run its own context object): in n8n each `getCredentials` is a
 * database read plus a decryption, and a run of 1,000 items used to make three of them per item (base URL,
 * default instance, and the one inside `httpRequestWithAuthentication`).
 */
const connections = new WeakMap<object, Promise<EvolutionConnection>>();

async function readConnection(this: RequestContext): Promise<EvolutionConnection> {
	const data = await this.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL_NAME);
	const reference = this.getNode().credentials?.[CREDENTIAL_NAME];
	return {
		baseUrl: String(data.baseUrl ?? '').trim().replace(/\/+$/, ''),
		defaultInstance: String(data.defaultInstance ?? '').trim(),
		credentials: { id: reference?.id ?? '', name: reference?.name ?? '', type: CREDENTIAL_NAME, data },
	};
}

export async function getConnection(this: RequestContext): Promise<EvolutionConnection> {
	let connection = connections.get(this);
	if (!connection) {
		connection = readConnection.call(this);
		connections.set(this, connection);
		// A failed read is not remembered: the next item asks again and gets its own error.
		connection.catch(() => connections.delete(this));
	}
	return await connection;
}

/** The credential's base URL without trailing slashes. */
export async function getBaseUrl(this: RequestContext): Promise<string> {
	return (await getConnection.call(this)).baseUrl;
}

function isErrorFlag(data: unknown): data is { error: true; message?: unknown } {
	return typeof data === 'object' && data !== null && (data as IDataObject).error === true;
}

/**
 * The one way the node talks to Evolution. Every non-2xx answer (and the 200 `{error:true}` that
 * `/instance/connect` and `/instance/restart` use for failures) becomes a `NodeApiError` whose
 * message says what happened and whose description carries the raw body.
 */
export async function evolutionApiRequest(
	this: RequestContext,
	request: EvolutionRequest,
): Promise<unknown> {
	const { baseUrl, credentials } = await getConnection.call(this);
	const isMultipart = typeof FormData !== 'undefined' && request.body instanceof FormData;
	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${baseUrl}${request.path}`,
		qs: request.qs,
		body: request.body,
		json: !isMultipart,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: request.timeout,
	};
	if (request.body === undefined) delete options.body;
	if (request.qs === undefined) delete options.qs;

	let response: { statusCode: number; body: unknown };
	try {
		response = (await this.helpers.httpRequestWithAuthentication.call(
			this,
			CREDENTIAL_NAME,
			options,
			// The credential read once for this run, not again for every request. A copy, because n8n may merge
			// pre-authentication data into what it is given.
			{ credentialsDecrypted: { ...credentials, data: { ...credentials.data } } },
		)) as { statusCode: number; body: unknown };
	} catch (error) {
		// n8n has already wrapped the network error; its low-level text ("connect ECONNREFUSED …")
		// survives in `messages`.
		const wrapped = error as { message?: string; messages?: string[] };
		const lowLevel = [...(wrapped.messages ?? []), wrapped.message ?? ''].filter((text) => text !== '');
		// No `code` in the error object: NodeApiError would replace our message with its generic one.
		throw new NodeApiError(
			this.getNode(),
			{ message: lowLevel[0] ?? 'Request failed' },
			{
				message: `Cannot reach the Evolution API at ${baseUrl}`,
				description: `${request.method} ${request.path} failed before an answer arrived (${lowLevel[0] ?? 'no answer'}). Check the Base URL in the credential and that the server is running.`,
				itemIndex: request.itemIndex,
			},
		);
	}

	const body = parseBody(response.body);
	if (response.statusCode >= 400 || isErrorFlag(body)) {
		const status = response.statusCode >= 400 ? response.statusCode : 400;
		const explained = explainEvolutionError({
			status: response.statusCode,
			body,
			method: request.method,
			path: request.path,
			instanceName: request.instanceName,
		});
		throw new NodeApiError(this.getNode(), (typeof body === 'object' && body !== null ? body : { body }) as JsonObject, {
			message: explained.message,
			description: explained.description,
			httpCode: String(status),
			itemIndex: request.itemIndex,
		});
	}
	return body;
}

/** Evolution answers JSON, but a proxy in front of it may not; keep the text then. */
function parseBody(body: unknown): unknown {
	if (typeof body !== 'string') return body;
	const text = body.trim();
	if (text === '') return undefined;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return body;
	}
}
