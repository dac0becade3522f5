import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { compact, parseJsonObject, readId, segment, toItems } from '../../helpers/items';
import { inboxApiRequest } from '../../transport';
import { idField } from '../common.descriptions';

const properties: INodeProperties[] = [
	idField('Contact ID', 'contactId', 'The ID of the contact to change'),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Attributes (JSON)',
				name: 'attributes',
				type: 'json',
				default: '{}',
				description: 'Custom fields as a JSON object; replaces the stored attributes',
			},
			{ displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '' },
			{ displayName: 'Name', name: 'name', type: 'string', default: '' },
			{
				displayName: 'Tags',
				name: 'tags',
				type: 'string',
				default: '',
				placeholder: 'e.g. vip, sp',
				description: 'Comma-separated; replaces the stored tags',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['contact'], operation: ['update'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const contactId = readId.call(this, 'contactId', itemIndex, 'Contact ID');
	const fields = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	const body: IDataObject = compact({ name: fields.name, email: fields.email });
	if (fields.tags !== undefined) {
		body.tags = String(fields.tags)
			.split(',')
			.map((tag) => tag.trim())
			.filter((tag) => tag !== '');
	}
	const attributes = parseJsonObject.call(this, fields.attributes, itemIndex, 'Attributes');
	if (attributes) body.attributes = attributes;
	if (Object.keys(body).length === 0) {
		throw new NodeOperationError(this.getNode(), 'Nothing to update', { description: 'Add at least one field under Update Fields.', itemIndex });
	}
	return toItems(await inboxApiRequest.call(this, { method: 'PATCH', path: `/api/v1/contacts/${segment(contactId)}`, body, itemIndex }));
}
