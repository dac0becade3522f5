import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { asObject, readAddress } from '../../helpers/items';
import { evolutionApiRequest } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Chat',
		name: 'number',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 5511987654321',
		description: 'Phone number or JID of the chat that sees the presence',
	},
	{
		displayName: 'Presence',
		name: 'presence',
		type: 'options',
		options: [
			{ name: 'Typing', value: 'composing' },
			{ name: 'Recording Audio', value: 'recording' },
			{ name: 'Paused', value: 'paused' },
		],
		default: 'composing',
	},
	{
		displayName: 'Duration (Ms)',
		name: 'delay',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 3000,
		description: 'How long the presence shows. The call waits that long.',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['chat'], operation: ['sendPresence'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const number = readAddress.call(this, 'number', itemIndex);
	const response = await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/chat/sendPresence/${instancePath(instanceName)}`,
		body: {
			number,
			presence: this.getNodeParameter('presence', itemIndex) as string,
			delay: Math.round(this.getNodeParameter('delay', itemIndex) as number),
		},
		instanceName,
		itemIndex,
	});
	return [{ json: { number, ...asObject(response) } }];
}
