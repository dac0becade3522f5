import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readId, segment, toItems } from '../../helpers/items';
import { inboxApiRequest } from '../../transport';
import { idField } from '../common.descriptions';

const properties: INodeProperties[] = [idField('Message ID', 'messageId', 'A message still waiting in the queue (not once its send has started)')];

export const description = updateDisplayOptions({ show: { resource: ['message'], operation: ['cancel'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const messageId = readId.call(this, 'messageId', itemIndex, 'Message ID');
	return toItems(await inboxApiRequest.call(this, { method: 'DELETE', path: `/api/v1/messages/${segment(messageId)}`, itemIndex }));
}
