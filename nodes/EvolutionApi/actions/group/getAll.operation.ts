import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { evolutionApiRequest } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Include Participants',
		name: 'getParticipants',
		type: 'boolean',
		default: false,
		description: 'Whether each group lists its participants (slower for many groups)',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['group'], operation: ['getAll'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const response = await evolutionApiRequest.call(this, {
		method: 'GET',
		path: `/group/fetchAllGroups/${instancePath(instanceName)}`,
		qs: { getParticipants: String(this.getNodeParameter('getParticipants', itemIndex) as boolean) },
		instanceName,
		itemIndex,
	});
	return ((Array.isArray(response) ? response : []) as IDataObject[]).map((group) => ({ json: group }));
}
