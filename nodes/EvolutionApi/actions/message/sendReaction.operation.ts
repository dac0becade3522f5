import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { asObject, readAddress } from '../../helpers/items';
import { toJid } from '../../helpers/phone';
import { evolutionApiRequest } from '../../transport';
import { messageKeyFields } from './shared';

const properties: INodeProperties[] = [
	...messageKeyFields(false),
	{
		displayName: 'Action',
		name: 'reactionAction',
		type: 'options',
		options: [
			{ name: 'Add', value: 'add' },
			{ name: 'Remove', value: 'remove' },
		],
		default: 'add',
	},
	{
		displayName: 'Emoji',
		name: 'reaction',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 👍',
		description: 'A single emoji',
		displayOptions: { show: { reactionAction: ['add'] } },
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['sendReaction'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const remoteJid = toJid(readAddress.call(this, 'number', itemIndex));
	const remove = this.getNodeParameter('reactionAction', itemIndex) === 'remove';
	const reaction = remove ? '' : String(this.getNodeParameter('reaction', itemIndex)).trim();
	if (!remove && reaction === '') {
		throw new NodeOperationError(this.getNode(), 'No emoji given', {
			description: 'Enter one emoji, or choose Action "Remove" to take a reaction back',
			itemIndex,
		});
	}
	const response = await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/message/sendReaction/${instancePath(instanceName)}`,
		body: {
			key: {
				id: String(this.getNodeParameter('messageId', itemIndex)).trim(),
				remoteJid,
				fromMe: this.getNodeParameter('fromMe', itemIndex) as boolean,
			},
			reaction,
		},
		instanceName,
		itemIndex,
	});
	return [{ json: asObject(response) }];
}
