import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { asObject, compact, readAddress } from '../../helpers/items';
import { evolutionApiRequest } from '../../transport';
import { recipientField } from '../common.descriptions';

const properties: INodeProperties[] = [
	recipientField(),
	{
		displayName: 'Contacts',
		name: 'contacts',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add Contact',
		description: 'One contact is sent as a contact card, several as a contact list',
		options: [
			{
				displayName: 'Contact',
				name: 'values',
				values: [
					{ displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '' },
					{ displayName: 'Full Name', name: 'fullName', type: 'string', default: '', placeholder: 'e.g. Maria Souza' },
					{ displayName: 'Organization', name: 'organization', type: 'string', default: '' },
					{ displayName: 'Phone Number', name: 'phoneNumber', type: 'string', default: '', placeholder: 'e.g. +55 11 98765-4321' },
					{ displayName: 'URL', name: 'url', type: 'string', default: '', placeholder: 'e.g. https://example.com' },
				],
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['sendContact'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const entries = ((this.getNodeParameter('contacts', itemIndex, {}) as IDataObject).values ?? []) as IDataObject[];
	if (entries.length === 0) {
		throw new NodeOperationError(this.getNode(), 'No contact to send', {
			description: 'Add at least one contact with a name and a phone number',
			itemIndex,
		});
	}
	const contact = entries.map((entry) => {
		const phoneNumber = String(entry.phoneNumber ?? '').trim();
		const digits = phoneNumber.replace(/\D/g, '');
		return compact({
			fullName: String(entry.fullName ?? '').trim(),
			// Evolution builds the vCard from `wuid` (digits) and shows `phoneNumber` as typed.
			wuid: digits,
			phoneNumber: phoneNumber.startsWith('+') ? phoneNumber : `+${digits}`,
			organization: entry.organization as string | undefined,
			email: entry.email as string | undefined,
			url: entry.url as string | undefined,
		});
	});
	const response = await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/message/sendContact/${instancePath(instanceName)}`,
		body: { number: readAddress.call(this, 'number', itemIndex), contact },
		instanceName,
		itemIndex,
	});
	return [{ json: asObject(response) }];
}
