import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { asObject } from '../../helpers/items';
import { evolutionApiRequest } from '../../transport';

const properties: INodeProperties[] = [];

export const description = updateDisplayOptions({ show: { resource: ['webhook'], operation: ['find'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const response = await evolutionApiRequest.call(this, {
		method: 'GET',
		path: `/webhook/find/${instancePath(instanceName)}`,
		instanceName,
		itemIndex,
	});
	// Evolution answers `null` when the instance has no webhook.
	return [{ json: response ? asObject(response) : { instanceName, enabled: false, url: null } }];
}
