import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { asObject } from '../../helpers/items';
import { evolutionApiRequest } from '../../transport';
import { groupJidField, readGroupJid } from './shared';

const properties: INodeProperties[] = [
	groupJidField,
	{ displayName: 'Subject', name: 'subject', type: 'string', default: '', required: true, placeholder: 'e.g. Customers VIP' },
];

export const description = updateDisplayOptions(
	{ show: { resource: ['group'], operation: ['updateSubject'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const groupJid = readGroupJid.call(this, itemIndex);
	const response = await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/group/updateGroupSubject/${instancePath(instanceName)}`,
		qs: { groupJid },
		body: { subject: this.getNodeParameter('subject', itemIndex) as string },
		instanceName,
		itemIndex,
	});
	return [{ json: { groupJid, ...asObject(response) } }];
}
