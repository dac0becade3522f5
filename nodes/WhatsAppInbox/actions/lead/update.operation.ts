import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { readId, segment, toItems } from '../../helpers/items';
import { inboxApiRequest } from '../../transport';
import { idField } from '../common.descriptions';
import { leadBody, leadFieldOptions } from './fields';

const properties: INodeProperties[] = [
	idField('Lead ID', 'leadId', 'The ID of the lead to change'),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: leadFieldOptions({ withName: true, withPhone: true }),
	},
];

export const description = updateDisplayOptions({ show: { resource: ['lead'], operation: ['update'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const leadId = readId.call(this, 'leadId', itemIndex, 'Lead ID');
	const body = leadBody.call(this, 'updateFields', itemIndex);
	if (Object.keys(body).length === 0) {
		throw new NodeOperationError(this.getNode(), 'Nothing to update', { description: 'Add at least one field under Update Fields.', itemIndex });
	}
	return toItems(await inboxApiRequest.call(this, { method: 'PATCH', path: `/api/v1/leads/${segment(leadId)}`, body, itemIndex }));
}
