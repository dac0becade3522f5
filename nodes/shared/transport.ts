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
		// n8n has already wrapped the network error; its low-level text ("connect ECONNREFUSED …") survives in `messages`.
		const wrapped = error as { message?: string; messages?: string[] };
		const lowLevel = [...(wrapped.messages ?? []), wrapped.message ?? ''].filter((text) => text !== '');
		// No `code` in the error object: NodeApiError would replace our message with its generic one.
		throw new NodeApiError(
			this.getNode(),
			{ message: lowLevel[0] ?? 'Request failed' },
			{
				message: `Cannot reach ${unreachable.service} at ${unreachable.baseUrl}`,
				description: `${unreachable.method} ${unreachable.path} failed before an answer arrived (${lowLevel[0] ?? 'no answer'}). Check the ${unreachable.urlField} in the credential and that the server is running.`,
				itemIndex: request.itemIndex,
			},
		);
	}
}
