import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { evolutionApiRequest } from '../../transport';

const properties: INodeProperties[] = [];

export const description = updateDisplayOptions(
	{ show: { resource: ['instance'], operation: ['connectionState'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const response = (await evolutionApiRequest.call(this, {
		method: 'GET',
		path: `/instance/connectionState/${instancePath(instanceName)}`,
		instanceName,
		itemIndex,
	})) as IDataObject;
	const state = ((response.instance as IDataObject | undefined)?.state as string | undefined) ?? 'close';
	return [{ json: { instanceName, state, connected: state === 'open' } }];
}
