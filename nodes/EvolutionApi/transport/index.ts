import type {
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { oncePerRun, readCredential, requestWithCredential } from '../../shared/transport';
import { explainEvolutionError } from '../helpers/errors';
import { waitForTurn } from '../helpers/itemTurns';

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
	/** The credential's `apikey` header for requests over a kept-alive connection; absent when it asks for n8n's HTTP client. */
	keptAliveHeaders?: Record<string, string>;
}

/** Read once per node run (a run of 1,000 items used to read it three times per item). */
export const getConnection = oncePerRun(async function (): Promise<EvolutionConnection> {
	const { data, credentials } = await readCredential.call(this, CREDENTIAL_NAME);
	return {
		baseUrl: String(data.baseUrl ?? '').trim().replace(/\/+$/, ''),
		defaultInstance: String(data.defaultInstance ?? '').trim(),
		credentials,
		// The same header the credential's `authenticate` sets.
		keptAliveHeaders: data.connection === 'n8nHttpClient' ? undefined : { apikey: String(data.apiKey ?? '') },
	};
});

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
	const { baseUrl, credentials, keptAliveHeaders } = await getConnection.call(this);
	await waitForTurn.call(this, request.itemIndex);
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

	const response = (await requestWithCredential.call(
		this,
		{
			credentialName: CREDENTIAL_NAME,
			credentials,
			options,
			itemIndex: request.itemIndex,
			// Uploads (multipart) keep n8n's client, which streams its form data.
			keptAlive: keptAliveHeaders && !isMultipart ? { headers: keptAliveHeaders } : undefined,
		},
		{ service: 'the Evolution API', baseUrl, urlField: 'Base URL', method: request.method, path: request.path },
	)) as { statusCode: number; body: unknown };

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
