import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { toItems } from '../../helpers/items';
import { resolveInstanceName } from '../../helpers/instance';
import { evolutionApiRequest } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName:
			'Leave Instance empty (and the credential without a Default Instance) to list every instance',
		name: 'fetchNotice',
		type: 'notice',
		default: '',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['instance'], operation: ['fetch'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex, false);
	const response = await evolutionApiRequest.call(this, {
		method: 'GET',
		path: '/instance/fetchInstances',
		qs: instanceName ? { instanceName } : undefined,
		instanceName,
		itemIndex,
	});
	return toItems(response);
}
