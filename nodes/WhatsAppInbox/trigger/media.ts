import type { IBinaryData, IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { inboxApiRequest } from '../transport';

/** A message's file from the server's media store, as n8n binary data; or why it could not be had. */
export async function downloadMessageMedia(this: IWebhookFunctions, message: IDataObject): Promise<{ binary?: IBinaryData; error?: string } | undefined> {
	const media = message.media as { id?: unknown; mimeType?: unknown; fileName?: unknown } | null | undefined;
	if (!media) return undefined;
	// The server delivers a message with a file once the file is stored (or after it gave up waiting for it).
	if (typeof media.id !== 'string' || media.id === '') return { error: 'The server has not stored this file' };
	let bytes: unknown;
	try {
		bytes = await inboxApiRequest.call(this, { method: 'GET', path: `/api/v1/media/${encodeURIComponent(media.id)}`, binary: true });
	} catch (error) {
		// The event still starts the workflow; the item says why its file is missing (pending, failed, gone).
		return { error: (error as Error).message };
	}
	const mimeType = typeof media.mimeType === 'string' && media.mimeType !== '' ? media.mimeType.split(';')[0].trim() : 'application/octet-stream';
	const fileName = typeof media.fileName === 'string' && media.fileName !== '' ? media.fileName : undefined;
	const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes as ArrayBuffer);
	return { binary: await this.helpers.prepareBinaryData(buffer, fileName, mimeType) };
}
