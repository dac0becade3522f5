import type {
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

/** The credential's base URL without trailing slashes. */
export async function getBaseUrl(this: RequestContext): Promise<string> {
	const credentials = await this.getCredentials(CREDENTIAL_NAME);
	return String(credentials.baseUrl ?? '').trim().replace(/\/+$/, '');
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
	const baseUrl = await getBaseUrl.call(this);
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
