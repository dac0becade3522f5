import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { asObject, readAddress } from '../../helpers/items';
import { splitAddressList, toJid } from '../../helpers/phone';
import { evolutionApiRequest } from '../../transport';

const properties: INodeProperties[] = [
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
		displayName: 'Message IDs',
		name: 'messageIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 3A5F2C1B0D9E8F7A6B5C, 3A5F2C1B0D9E8F7A6B5D',
		description: 'IDs of the received messages to mark as read, separated by commas',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['chat'], operation: ['markRead'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const remoteJid = toJid(readAddress.call(this, 'number', itemIndex));
	const ids = splitAddressList(this.getNodeParameter('messageIds', itemIndex) as string);
	const response = await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/chat/markMessageAsRead/${instancePath(instanceName)}`,
		body: { readMessages: ids.map((id) => ({ remoteJid, fromMe: false, id })) },
		instanceName,
		itemIndex,
	});
	return [{ json: { remoteJid, messageIds: ids, ...asObject(response) } }];
}
