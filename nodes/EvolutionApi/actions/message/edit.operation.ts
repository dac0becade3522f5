import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { asObject, readAddress } from '../../helpers/items';
import { toJid } from '../../helpers/phone';
import { evolutionApiRequest } from '../../transport';
import { messageKeyFields } from './shared';

const properties: INodeProperties[] = [
	// Only your own messages can be edited, so "Sent by Me" is fixed to true.
	...messageKeyFields(true).filter((field) => field.name !== 'fromMe'),
	{
		displayName: 'New Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['edit'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const number = readAddress.call(this, 'number', itemIndex);
	const response = await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/chat/updateMessage/${instancePath(instanceName)}`,
		body: {
			number,
			key: {
				id: String(this.getNodeParameter('messageId', itemIndex)).trim(),
				remoteJid: toJid(number),
				fromMe: true,
			},
			text: this.getNodeParameter('text', itemIndex) as string,
		},
		instanceName,
		itemIndex,
	});
	return [{ json: asObject(response) }];
}
