import type { IDataObject, IHookFunctions, IHttpRequestMethods, ILoadOptionsFunctions, IWebhookFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { inboxApiRequest } from '../transport';

type TriggerContext = IHookFunctions | IWebhookFunctions | ILoadOptionsFunctions;

/** One call through the nodes' transport (its errors say bad token, missing scope, unreachable… in words). */
export async function inboxRequest(this: TriggerContext, method: IHttpRequestMethods, path: string, body?: IDataObject): Promise<unknown> {
	return await inboxApiRequest.call(this, body === undefined ? { method, path } : { method, path, body });
}

/**
 * Like {@link inboxRequest}, but a 404 is an answer, not an error: the lifecycle methods meet subscriptions that are
 * already gone (deleted by hand, or by another deactivation) and must carry on.
 */
export async function inboxRequestOrMissing(this: TriggerContext, method: IHttpRequestMethods, path: string): Promise<{ found: true; body: unknown } | { found: false }> {
	try {
		return { found: true, body: await inboxRequest.call(this, method, path) };
	} catch (error) {
		if ((error as NodeApiError).httpCode === '404') return { found: false };
		// Already a NodeApiError saying what went wrong (NodeApiError hands it back unchanged).
		throw new NodeApiError(this.getNode(), error as JsonObject);
	}
}
