import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readId, segment, toItems } from '../../helpers/items';
import { inboxApiRequest } from '../../transport';
import { idField } from '../common.descriptions';

const properties: INodeProperties[] = [idField('Message ID', 'messageId', 'A failed message to queue again (its attempts start over)')];

export const description = updateDisplayOptions({ show: { resource: ['message'], operation: ['retry'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const messageId = readId.call(this, 'messageId', itemIndex, 'Message ID');
	return toItems(await inboxApiRequest.call(this, { method: 'POST', path: `/api/v1/messages/${segment(messageId)}/retry`, itemIndex }));
}
