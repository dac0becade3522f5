import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { segment } from '../../helpers/items';
import { inboxApiRequest } from '../../transport';

/** The channel's current QR as a PNG binary (`qr`), waiting up to `waitMs` for Evolution to produce the first one. */
export async function qrItem(this: IExecuteFunctions, channelId: string, json: IDataObject, itemIndex: number, waitMs: number): Promise<INodeExecutionData> {
	const deadline = Date.now() + waitMs;
	for (;;) {
		// undefined (404 no_qr): not pairing yet (the QR comes a moment after the instance), or already connected.
		const bytes = (await inboxApiRequest.call(this, {
			method: 'GET',
			path: `/api/v1/channels/${segment(channelId)}/qr.png`,
			binary: true,
			notFoundIsEmpty: true,
			itemIndex,
		})) as ArrayBuffer | Buffer | undefined;
		if (bytes !== undefined) {
			const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
			const binary = await this.helpers.prepareBinaryData(buffer, `qr-${channelId}.png`, 'image/png');
			return { json: { ...json, qr: true }, binary: { qr: binary } };
		}
		if (Date.now() >= deadline) return { json: { ...json, qr: false } };
		await sleep(300);
	}
}
