import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readId, segment, toItems } from '../../helpers/items';
import { inboxApiRequest } from '../../transport';
import { idField } from '../common.descriptions';

const properties: INodeProperties[] = [idField('Lead ID', 'leadId', 'The ID of the lead')];

export const description = updateDisplayOptions({ show: { resource: ['lead'], operation: ['get'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const leadId = readId.call(this, 'leadId', itemIndex, 'Lead ID');
	return toItems(await inboxApiRequest.call(this, { method: 'GET', path: `/api/v1/leads/${segment(leadId)}`, itemIndex }));
}
