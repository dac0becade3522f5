import type { IBinaryData, IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { extensionFor } from '../helpers/binary';
import { instancePath } from '../helpers/instance';
import { triggerApiRequest } from './registration';
import { mediaOf } from './simplify';

export interface DownloadedMedia {
	binary?: IBinaryData;
	/** Why the file could not be attached (the item is still emitted). */
	error?: string;
}

function stripDataUrl(value: string): string {
	const comma = value.indexOf(',');
	return value.startsWith('data:') && comma !== -1 ? value.slice(comma + 1) : value;
}

/**
 * The file of a media message as n8n binary data: from `data.message.base64` when Evolution put it in the
 * delivery (webhook `base64: true`), otherwise fetched with `/chat/getBase64FromMediaMessage`.
 * Returns undefined for messages without media.
 */
export async function downloadMedia(this: IWebhookFunctions, body: IDataObject): Promise<DownloadedMedia | undefined> {
	const data = (body.data ?? {}) as IDataObject;
	const media = mediaOf(data);
	if (!media) return undefined;
	const message = (data.message ?? {}) as IDataObject;
	const key = (data.key ?? {}) as IDataObject;
	let base64 = typeof message.base64 === 'string' && message.base64 !== '' ? message.base64 : undefined;
	let mimeType = typeof media.content.mimetype === 'string' ? media.content.mimetype : undefined;
	let fileName = typeof media.content.fileName === 'string' ? media.content.fileName : undefined;

	if (base64 === undefined) {
		const instance = String(body.instance ?? '');
		try {
			const response = (await triggerApiRequest.call(this, {
				method: 'POST',
				path: `/chat/getBase64FromMediaMessage/${instancePath(instance)}`,
				body: { message: { key: { id: key.id, remoteJid: key.remoteJid, fromMe: key.fromMe } }, convertToMp4: false },
				instanceName: instance,
			})) as IDataObject;
			base64 = typeof response?.base64 === 'string' ? response.base64 : undefined;
			mimeType = mimeType ?? (typeof response.mimetype === 'string' ? response.mimetype : undefined);
			fileName = fileName ?? (typeof response.fileName === 'string' ? response.fileName : undefined);
		} catch (error) {
			return { error: `Could not download the media: ${(error as Error).message}` };
		}
		if (base64 === undefined) return { error: 'Could not download the media: the answer had no base64' };
	}

	const buffer = Buffer.from(stripDataUrl(base64), 'base64');
	const baseMime = (mimeType ?? 'application/octet-stream').split(';')[0].trim();
	if (!fileName) {
		const extension = extensionFor(baseMime);
		fileName = `${String(key.id ?? 'media')}${extension ? `.${extension}` : ''}`;
	}
	const binary = await this.helpers.prepareBinaryData(buffer, fileName, baseMime);
	return { binary };
}
