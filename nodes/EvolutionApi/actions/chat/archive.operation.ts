import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { asObject, readAddress } from '../../helpers/items';
import { toJid } from '../../helpers/phone';
import { evolutionApiRequest } from '../../transport';
import { lastMessageFields, lastMessageKey } from './lastMessage';

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
		displayName: 'Archive',
		name: 'archive',
		type: 'boolean',
		default: true,
		description: 'Whether to archive the chat (off: move it back out of the archive)',
	},
	...lastMessageFields(false),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['chat'], operation: ['archive'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const chat = toJid(readAddress.call(this, 'number', itemIndex));
	const body: IDataObject = { chat, archive: this.getNodeParameter('archive', itemIndex) as boolean };
	const key = lastMessageKey.call(this, itemIndex, chat);
	if (key) body.lastMessage = { key };
	const response = await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/chat/archiveChat/${instancePath(instanceName)}`,
		body,
		instanceName,
		itemIndex,
	});
	return [{ json: asObject(response) }];
}
