import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { evolutionApiRequest } from '../../transport';
import { groupJidField, readGroupJid } from './shared';

const properties: INodeProperties[] = [groupJidField];

/** Reads only: items may be asked in parallel (see OperationModule.readOnly). */
export const readOnly = true;

export const description = updateDisplayOptions(
	{ show: { resource: ['group'], operation: ['getParticipants'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const groupJid = readGroupJid.call(this, itemIndex);
	const response = (await evolutionApiRequest.call(this, {
		method: 'GET',
		path: `/group/participants/${instancePath(instanceName)}`,
		qs: { groupJid },
		instanceName,
		itemIndex,
	})) as IDataObject;
	const participants = (Array.isArray(response?.participants) ? response.participants : []) as IDataObject[];
	return participants.map((participant) => ({ json: { groupJid, ...participant } }));
}
