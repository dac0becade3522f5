import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { asObject } from '../../helpers/items';
import { inboxApiRequest } from '../../transport';
import { leadBody, leadFieldOptions } from './fields';

const properties: INodeProperties[] = [
	{
		displayName: 'Phone',
		name: 'phone',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. +55 11 98765-4321',
		description: 'The lead is found by this number (any format; Brazilian mobiles with or without the ninth digit) and created when there is none',
	},
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description:
			'Set on the lead. Attribution (source, first-touch token, UTM) is kept from the first touch: on an existing lead it only fills what is still empty.',
		options: leadFieldOptions({ withName: true, withPhone: false }),
	},
];

export const description = updateDisplayOptions({ show: { resource: ['lead'], operation: ['upsert'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const body = { ...leadBody.call(this, 'fields', itemIndex), phone: this.getNodeParameter('phone', itemIndex) as string };
	const answer = asObject(await inboxApiRequest.call(this, { method: 'POST', path: '/api/v1/leads/upsert', body, itemIndex }));
	return [{ json: { ...asObject(answer.lead), created: answer.created === true } }];
}
