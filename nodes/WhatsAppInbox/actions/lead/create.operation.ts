import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { compact, toItems } from '../../helpers/items';
import { inboxApiRequest } from '../../transport';
import { leadBody, leadFieldOptions } from './fields';

const properties: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		placeholder: 'e.g. Maria Souza',
	},
	{
		displayName: 'Phone',
		name: 'phone',
		type: 'string',
		default: '',
		placeholder: 'e.g. +55 11 98765-4321',
		description: 'Any format; the server stores it as E.164 (Brazilian mobiles with the ninth digit)',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: leadFieldOptions({ withName: false, withPhone: false }),
	},
];

export const description = updateDisplayOptions({ show: { resource: ['lead'], operation: ['create'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const body = {
		source: 'n8n',
		...compact({
			name: this.getNodeParameter('name', itemIndex, '') as string,
			phone: this.getNodeParameter('phone', itemIndex, '') as string,
		}),
		...leadBody.call(this, 'additionalFields', itemIndex),
	};
	return toItems(await inboxApiRequest.call(this, { method: 'POST', path: '/api/v1/leads', body, itemIndex }));
}
