import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readId, segment, toItems } from '../../helpers/items';
import { inboxApiRequest } from '../../transport';
import { conversationLocator } from '../common.descriptions';

const properties: INodeProperties[] = [
	conversationLocator(),
	{
		displayName: 'Send Read Receipts',
		name: 'readReceipt',
		type: 'boolean',
		default: false,
		description: "Whether to also send WhatsApp read receipts (the contact's blue ticks) for the latest messages they sent",
	},
];

export const description = updateDisplayOptions({ show: { resource: ['conversation'], operation: ['markRead'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const conversationId = readId.call(this, 'conversationId', itemIndex, 'Conversation');
	const path = `/api/v1/conversations/${segment(conversationId)}`;
	const read = (await inboxApiRequest.call(this, { method: 'POST', path: `${path}/read`, itemIndex })) as object;
	if (this.getNodeParameter('readReceipt', itemIndex, false) === true) {
		const receipt = await inboxApiRequest.call(this, { method: 'POST', path: `${path}/read-receipt`, itemIndex });
		return toItems({ ...read, readReceipt: receipt });
	}
	return toItems(read);
}
