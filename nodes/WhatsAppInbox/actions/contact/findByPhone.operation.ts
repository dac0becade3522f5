import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readId, toItems } from '../../helpers/items';
import { inboxApiRequest } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Phone',
		name: 'phone',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. +55 11 98765-4321',
		description: 'Any format with the country code; Brazilian mobiles are found with or without the ninth digit',
	},
	{
		displayName: 'Output When Not Found',
		name: 'whenNotFound',
		type: 'options',
		default: 'empty',
		options: [
			{ name: 'No Item', value: 'empty', description: 'The item produces no output' },
			{ name: 'An Item Saying Not Found', value: 'notFound', description: 'Outputs {found: false, phone} so the workflow can branch' },
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['contact'], operation: ['findByPhone'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const phone = readId.call(this, 'phone', itemIndex, 'Phone');
	const page = (await inboxApiRequest.call(this, { method: 'GET', path: '/api/v1/contacts', qs: { phone }, itemIndex })) as { data?: IDataObject[] };
	const contacts = page.data ?? [];
	if (contacts.length > 0) return toItems(contacts.map((contact) => ({ ...contact, found: true })));
	return this.getNodeParameter('whenNotFound', itemIndex, 'empty') === 'notFound' ? [{ json: { found: false, phone } }] : [];
}
