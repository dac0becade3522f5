import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { asObject } from '../../helpers/items';
import { evolutionApiRequest } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'About',
		name: 'status',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. Open Monday to Friday, 9am to 6pm',
		description: 'The "About" text of the profile',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['profile'], operation: ['updateStatus'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const response = await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/chat/updateProfileStatus/${instancePath(instanceName)}`,
		body: { status: this.getNodeParameter('status', itemIndex) as string },
		instanceName,
		itemIndex,
	});
	return [{ json: asObject(response) }];
}
