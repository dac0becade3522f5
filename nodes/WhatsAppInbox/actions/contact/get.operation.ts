import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readId, segment, toItems } from '../../helpers/items';
import { inboxApiRequest } from '../../transport';
import { idField } from '../common.descriptions';

const properties: INodeProperties[] = [idField('Contact ID', 'contactId', 'The ID of the contact')];

export const description = updateDisplayOptions({ show: { resource: ['contact'], operation: ['get'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const contactId = readId.call(this, 'contactId', itemIndex, 'Contact ID');
	return toItems(await inboxApiRequest.call(this, { method: 'GET', path: `/api/v1/contacts/${segment(contactId)}`, itemIndex }));
}
