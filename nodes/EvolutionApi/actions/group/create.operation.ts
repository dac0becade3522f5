import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { asObject } from '../../helpers/items';
import { evolutionApiRequest } from '../../transport';
import { participantsField, readParticipants } from './shared';

const properties: INodeProperties[] = [
	{
		displayName: 'Subject',
		name: 'subject',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. Customers VIP',
		description: 'Name of the group',
	},
	participantsField,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{ displayName: 'Description', name: 'description', type: 'string', typeOptions: { rows: 2 }, default: '' },
			{
				displayName: 'Make Participants Admins',
				name: 'promoteParticipants',
				type: 'boolean',
				default: false,
				description: 'Whether every participant becomes an admin',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['group'], operation: ['create'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const body: IDataObject = {
		subject: this.getNodeParameter('subject', itemIndex) as string,
		participants: readParticipants.call(this, itemIndex),
	};
	if (String(options.description ?? '') !== '') body.description = options.description;
	if (options.promoteParticipants === true) body.promoteParticipants = true;
	const response = await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/group/create/${instancePath(instanceName)}`,
		body,
		instanceName,
		itemIndex,
	});
	return [{ json: asObject(response) }];
}
