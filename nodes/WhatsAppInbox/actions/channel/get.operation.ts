import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readId, segment, toItems } from '../../helpers/items';
import { inboxApiRequest } from '../../transport';
import { channelLocator } from '../common.descriptions';

const properties: INodeProperties[] = [channelLocator()];

export const description = updateDisplayOptions({ show: { resource: ['channel'], operation: ['get'] } }, properties);

/** The channel with its state (connected, pairing, disconnected…), the reason in words, and its number. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const channelId = readId.call(this, 'channelId', itemIndex, 'Channel');
	return toItems(await inboxApiRequest.call(this, { method: 'GET', path: `/api/v1/channels/${segment(channelId)}`, itemIndex }));
}
