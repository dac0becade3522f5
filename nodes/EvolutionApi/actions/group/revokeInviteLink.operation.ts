import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { asObject } from '../../helpers/items';
import { evolutionApiRequest } from '../../transport';
import { groupJidField, readGroupJid } from './shared';

const properties: INodeProperties[] = [groupJidField];

export const description = updateDisplayOptions(
	{ show: { resource: ['group'], operation: ['revokeInviteLink'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const groupJid = readGroupJid.call(this, itemIndex);
	const response = await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/group/revokeInviteCode/${instancePath(instanceName)}`,
		qs: { groupJid },
		instanceName,
		itemIndex,
	});
	return [{ json: { groupJid, ...asObject(response) } }];
}
