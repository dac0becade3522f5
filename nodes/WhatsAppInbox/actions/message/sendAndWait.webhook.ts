import type { IDataObject, IWebhookDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

/**
 * The resume webhook of Send and Wait for Reply: n8n's wait/resume mechanism routes the server's POST to the
 * resume URL here (restartWebhook), and its body becomes the node's output.
 */
export const sendAndWaitWebhooks: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: 'onReceived',
		responseData: '',
		path: '={{ $nodeId }}',
		restartWebhook: true,
		isFullPath: true,
	},
];

/** The reply as the node's output: reply {text, messageId, type, choice?}, timedOut, conversationId, contact. */
export async function sendAndWaitWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const body = (this.getBodyData() ?? {}) as IDataObject;
	const timedOut = body.timedOut === true;
	const json: IDataObject = {
		timedOut,
		reply: timedOut ? null : (body.reply ?? null),
		choice: timedOut ? null : ((body.reply as IDataObject | undefined)?.choice ?? null),
		conversationId: body.conversationId ?? null,
		contact: body.contact ?? null,
		waitId: body.waitId ?? null,
	};
	return { webhookResponse: { ok: true }, workflowData: [[{ json }]] };
}
