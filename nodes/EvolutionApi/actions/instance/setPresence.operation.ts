import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { asObject } from '../../helpers/items';
import { evolutionApiRequest } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Presence',
		name: 'presence',
		type: 'options',
		options: [
			{ name: 'Available', value: 'available' },
			{ name: 'Unavailable', value: 'unavailable' },
		],
		default: 'available',
		description: 'How the account shows to contacts',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['instance'], operation: ['setPresence'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const response = await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/instance/setPresence/${instancePath(instanceName)}`,
		body: { presence: this.getNodeParameter('presence', itemIndex) as string },
		instanceName,
		itemIndex,
	});
	return [{ json: { instanceName, ...asObject(response) } }];
}
