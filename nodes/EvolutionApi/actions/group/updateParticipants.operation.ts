import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { asObject } from '../../helpers/items';
import { evolutionApiRequest } from '../../transport';
import { groupJidField, participantsField, readGroupJid, readParticipants } from './shared';

const properties: INodeProperties[] = [
	groupJidField,
	{
		displayName: 'Action',
		name: 'action',
		type: 'options',
		options: [
			{ name: 'Add', value: 'add' },
			{ name: 'Demote From Admin', value: 'demote' },
			{ name: 'Promote to Admin', value: 'promote' },
			{ name: 'Remove', value: 'remove' },
		],
		default: 'add',
	},
	participantsField,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['group'], operation: ['updateParticipants'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const response = await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/group/updateParticipant/${instancePath(instanceName)}`,
		qs: { groupJid: readGroupJid.call(this, itemIndex) },
		body: {
			action: this.getNodeParameter('action', itemIndex) as string,
			participants: readParticipants.call(this, itemIndex),
		},
		instanceName,
		itemIndex,
	});
	return [{ json: asObject(response) }];
}
