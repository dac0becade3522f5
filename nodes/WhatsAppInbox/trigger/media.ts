import type { IBinaryData, IDataObject, IN8nHttpFullResponse, IWebhookFunctions } from 'n8n-workflow';

import { INBOX_CREDENTIAL, serverUrl } from './api';

/** A message's file from the server's media store, as n8n binary data; or why it could not be had. */
export async function downloadMessageMedia(this: IWebhookFunctions, message: IDataObject): Promise<{ binary?: IBinaryData; error?: string } | undefined> {
	const media = message.media as { id?: unknown; mimeType?: unknown; fileName?: unknown } | null | undefined;
	if (!media) return undefined;
	if (typeof media.id !== 'string' || media.id === '') return { error: 'The server has not stored this file yet' };
	const base = await serverUrl.call(this);
	const response = (await this.helpers.httpRequestWithAuthentication.call(this, INBOX_CREDENTIAL, {
		method: 'GET',
		url: `${base}/api/v1/media/${encodeURIComponent(media.id)}`,
		encoding: 'arraybuffer',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	})) as IN8nHttpFullResponse;
	if (response.statusCode < 200 || response.statusCode >= 300) return { error: `The server answered ${response.statusCode} for the file` };
	const headers = response.headers as IDataObject;
	const mimeType = typeof media.mimeType === 'string' && media.mimeType !== '' ? media.mimeType : String(headers['content-type'] ?? 'application/octet-stream');
	const fileName = typeof media.fileName === 'string' && media.fileName !== '' ? media.fileName : undefined;
	const binary = await this.helpers.prepareBinaryData(Buffer.from(response.body as ArrayBuffer), fileName, mimeType.split(';')[0].trim());
	return { binary };
}
