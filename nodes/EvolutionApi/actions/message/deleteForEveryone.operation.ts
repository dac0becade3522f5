import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { readAddress } from '../../helpers/items';
import { normalizeWhatsAppAddress, toJid } from '../../helpers/phone';
import { evolutionApiRequest } from '../../transport';
import { messageKeyFields } from './shared';

const properties: INodeProperties[] = [
	...messageKeyFields(true),
	{
		displayName: 'Participant',
		name: 'participant',
		type: 'string',
		default: '',
		placeholder: 'e.g. 5511987654321',
		description: 'In a group, who sent the message (needed to delete a member message as admin)',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['deleteForEveryone'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const id = String(this.getNodeParameter('messageId', itemIndex)).trim();
	const remoteJid = toJid(readAddress.call(this, 'number', itemIndex));
	const participant = normalizeWhatsAppAddress(this.getNodeParameter('participant', itemIndex, '') as string);
	const body: IDataObject = { id, remoteJid, fromMe: this.getNodeParameter('fromMe', itemIndex) as boolean };
	if (participant) body.participant = toJid(participant);

	const response = await evolutionApiRequest.call(this, {
		method: 'DELETE',
		path: `/chat/deleteMessageForEveryone/${instancePath(instanceName)}`,
		body,
		instanceName,
		itemIndex,
	});
	return [{ json: { deleted: true, id, remoteJid, response: response as IDataObject } }];
}
