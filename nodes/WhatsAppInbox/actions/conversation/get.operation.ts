import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readId, segment, toItems } from '../../helpers/items';
import { inboxApiRequest } from '../../transport';
import { conversationLocator } from '../common.descriptions';

const properties: INodeProperties[] = [conversationLocator()];

export const description = updateDisplayOptions({ show: { resource: ['conversation'], operation: ['get'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const conversationId = readId.call(this, 'conversationId', itemIndex, 'Conversation');
	return toItems(await inboxApiRequest.call(this, { method: 'GET', path: `/api/v1/conversations/${segment(conversationId)}`, itemIndex }));
}
