import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { asObject, readAddress } from '../../helpers/items';
import { evolutionApiRequest } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Contact',
		name: 'number',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 5511987654321',
		description: 'Phone number or JID whose profile picture to get',
	},
];

/** Reads only: items may be asked in parallel (see OperationModule.readOnly). */
export const readOnly = true;

export const description = updateDisplayOptions(
	{ show: { resource: ['chat'], operation: ['profilePicture'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const response = await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/chat/fetchProfilePictureUrl/${instancePath(instanceName)}`,
		body: { number: readAddress.call(this, 'number', itemIndex) },
		instanceName,
		itemIndex,
	});
	return [{ json: asObject(response) }];
}
