import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readId, segment } from '../../helpers/items';
import { inboxApiRequest } from '../../transport';
import { channelLocator } from '../common.descriptions';
import { qrItem } from './shared';

const properties: INodeProperties[] = [channelLocator()];

export const description = updateDisplayOptions({ show: { resource: ['channel'], operation: ['getQr'] } }, properties);

/** The QR being shown now (refreshed about every 40 s while pairing) as a PNG binary `qr`, with its details. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const channelId = readId.call(this, 'channelId', itemIndex, 'Channel');
	const details = (await inboxApiRequest.call(this, { method: 'GET', path: `/api/v1/channels/${segment(channelId)}/qr`, itemIndex })) as Record<string, unknown>;
	// The data URL is the same picture as the binary: not repeated in the JSON.
	const { image, ...json } = details ?? {};
	void image;
	return [await qrItem.call(this, channelId, { channelId, ...(json as object) }, itemIndex, 0)];
}
