import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { compact, readId, segment, toItems } from '../../helpers/items';
import { inboxApiRequest } from '../../transport';
import { idField } from '../common.descriptions';

const properties: INodeProperties[] = [
	idField('Contact ID', 'contactId', 'The ID of the contact who no longer wants proactive messages'),
	{
		displayName: 'Reason',
		name: 'reason',
		type: 'string',
		default: '',
		placeholder: 'e.g. asked by phone',
		description: 'Kept with the opt-out ("API" when empty). The first opt-out keeps its time and reason.',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['contact'], operation: ['optOut'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const contactId = readId.call(this, 'contactId', itemIndex, 'Contact ID');
	const body = compact({ reason: (this.getNodeParameter('reason', itemIndex, '') as string).trim() });
	return toItems(await inboxApiRequest.call(this, { method: 'POST', path: `/api/v1/contacts/${segment(contactId)}/opt-out`, body, itemIndex }));
}
