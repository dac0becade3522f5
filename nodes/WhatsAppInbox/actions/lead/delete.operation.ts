import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readId, segment } from '../../helpers/items';
import { inboxApiRequest } from '../../transport';
import { idField } from '../common.descriptions';

const properties: INodeProperties[] = [idField('Lead ID', 'leadId', 'The ID of the lead to delete (its contact and conversations stay)')];

export const description = updateDisplayOptions({ show: { resource: ['lead'], operation: ['delete'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const leadId = readId.call(this, 'leadId', itemIndex, 'Lead ID');
	await inboxApiRequest.call(this, { method: 'DELETE', path: `/api/v1/leads/${segment(leadId)}`, itemIndex });
	return [{ json: { deleted: true, id: leadId } }];
}
