import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { asObject } from '../../helpers/items';
import { evolutionApiRequest } from '../../transport';
import { groupJidField, readGroupJid } from './shared';

const properties: INodeProperties[] = [groupJidField];

/** Reads only: items may be asked in parallel (see OperationModule.readOnly). */
export const readOnly = true;

export const description = updateDisplayOptions({ show: { resource: ['group'], operation: ['get'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const response = await evolutionApiRequest.call(this, {
		method: 'GET',
		path: `/group/findGroupInfos/${instancePath(instanceName)}`,
		qs: { groupJid: readGroupJid.call(this, itemIndex) },
		instanceName,
		itemIndex,
	});
	return [{ json: asObject(response) }];
}
