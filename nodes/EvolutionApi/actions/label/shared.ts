import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { asObject, readAddress } from '../../helpers/items';
import { evolutionApiRequest } from '../../transport';

export const labelChatFields: INodeProperties[] = [
	{
		displayName: 'Chat',
		name: 'number',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 5511987654321',
		description: 'Phone number or JID of the chat',
	},
	{
		displayName: 'Label ID',
		name: 'labelId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 3',
		description: 'ID of the label (see Label → Get Many). Labels exist on WhatsApp Business accounts.',
	},
];

/** `/label/handleLabel` with `add` or `remove`. */
export async function handleLabel(
	this: IExecuteFunctions,
	itemIndex: number,
	action: 'add' | 'remove',
): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const response = await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/label/handleLabel/${instancePath(instanceName)}`,
		body: {
			number: readAddress.call(this, 'number', itemIndex),
			labelId: String(this.getNodeParameter('labelId', itemIndex)).trim(),
			action,
		},
		instanceName,
		itemIndex,
	});
	return [{ json: asObject(response) }];
}
