import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { asObject } from '../../helpers/items';
import { evolutionApiRequest } from '../../transport';
import { groupJidField, readGroupJid, readParticipants } from './shared';

const properties: INodeProperties[] = [
	groupJidField,
	{
		displayName: 'Send To',
		name: 'participants',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 5511987654321, 5511912345678',
		description: 'Phone numbers that receive the invite link, separated by commas',
	},
	{
		displayName: 'Message',
		name: 'inviteMessage',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		placeholder: 'e.g. Join our customer group!',
		description: 'Text sent together with the link',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['group'], operation: ['sendInviteLink'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const groupJid = readGroupJid.call(this, itemIndex);
	const response = await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/group/sendInvite/${instancePath(instanceName)}`,
		body: {
			groupJid,
			description: this.getNodeParameter('inviteMessage', itemIndex, '') as string,
			numbers: readParticipants.call(this, itemIndex),
		},
		instanceName,
		itemIndex,
	});
	return [{ json: { groupJid, ...asObject(response) } }];
}
