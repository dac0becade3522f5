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
	},
	{
		displayName: 'Action',
		name: 'status',
		type: 'options',
		options: [
			{ name: 'Block', value: 'block' },
			{ name: 'Unblock', value: 'unblock' },
		],
		default: 'block',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['chat'], operation: ['updateBlockStatus'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const number = readAddress.call(this, 'number', itemIndex);
	const status = this.getNodeParameter('status', itemIndex) as string;
	const response = await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/chat/updateBlockStatus/${instancePath(instanceName)}`,
		body: { number, status },
		instanceName,
		itemIndex,
	});
	return [{ json: { number, status, ...asObject(response) } }];
}
