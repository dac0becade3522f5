import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { asObject } from '../../helpers/items';
import { evolutionApiRequest } from '../../transport';

const properties: INodeProperties[] = [
	{ displayName: 'Name', name: 'name', type: 'string', default: '', required: true, placeholder: 'e.g. ACME Sales' },
];

export const description = updateDisplayOptions({ show: { resource: ['profile'], operation: ['updateName'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const response = await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/chat/updateProfileName/${instancePath(instanceName)}`,
		body: { name: this.getNodeParameter('name', itemIndex) as string },
		instanceName,
		itemIndex,
	});
	return [{ json: asObject(response) }];
}
