import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHookFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

export const INBOX_CREDENTIAL = 'whatsAppInboxApi';

type TriggerContext = IHookFunctions | IWebhookFunctions | ILoadOptionsFunctions;

/** The credential's server URL without trailing slashes. */
export async function serverUrl(this: TriggerContext): Promise<string> {
	const credentials = await this.getCredentials<ICredentialDataDecryptedObject>(INBOX_CREDENTIAL);
	return String(credentials.serverUrl ?? '').trim().replace(/\/+$/, '');
}

/** What the server says went wrong, from its `{error: {code, message}}` answer. */
function serverMessage(body: unknown): string | undefined {
	const error = (body as { error?: { message?: unknown } } | undefined)?.error;
	return typeof error?.message === 'string' ? error.message : undefined;
}

/**
 * One call to the WhatsApp Inbox server with the credential's token. Answers the status and body without throwing,
 * so the lifecycle methods can treat a 404 (a subscription already gone) as the fact it is; `inboxRequest` throws.
 */
export async function inboxCall(
	this: TriggerContext,
	method: IHttpRequestMethods,
	path: string,
	body?: IDataObject,
): Promise<{ statusCode: number; body: unknown }> {
	const base = await serverUrl.call(this);
	try {
		const response = (await this.helpers.httpRequestWithAuthentication.call(this, INBOX_CREDENTIAL, {
			method,
			url: `${base}${path}`,
			body,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		})) as IN8nHttpFullResponse;
		return { statusCode: response.statusCode, body: response.body };
	} catch (error) {
		// Nothing answered (refused, unknown host, timeout): say where it tried, in words, not an HTTP status.
		throw new NodeOperationError(this.getNode(), `The WhatsApp Inbox server at ${base} could not be reached (${(error as Error).message})`, {
			description: 'Check the Server URL of the WhatsApp Inbox credential and that the server is running.',
		});
	}
}

/** Like {@link inboxCall}, but any non-2xx answer becomes a NodeApiError saying what the server said and what to do. */
export async function inboxRequest(this: TriggerContext, method: IHttpRequestMethods, path: string, body?: IDataObject): Promise<unknown> {
	const answer = await inboxCall.call(this, method, path, body);
	if (answer.statusCode >= 200 && answer.statusCode < 300) return answer.body;
	const said = serverMessage(answer.body) ?? `HTTP ${answer.statusCode}`;
	const hint =
		answer.statusCode === 401
			? 'The API token was refused: check it in the WhatsApp Inbox credential (it may be revoked or expired).'
			: answer.statusCode === 403
				? 'Webhook subscriptions need an API token with the admin scope: create one with scopes ["inbox", "admin"].'
				: undefined;
	throw new NodeApiError(
		this.getNode(),
		{ statusCode: answer.statusCode, body: answer.body as JsonObject } as JsonObject,
		{ message: `WhatsApp Inbox server: ${said}`, description: hint, httpCode: String(answer.statusCode) },
	);
}
