import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { asObject } from '../../helpers/items';
import { normalizeWhatsAppAddress } from '../../helpers/phone';
import { evolutionApiRequest } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Contact',
		name: 'number',
		type: 'string',
		default: '',
		placeholder: 'e.g. 5511987654321',
		description: 'Whose profile to get. Leave empty for the profile of this instance.',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['profile'], operation: ['fetch'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const number = normalizeWhatsAppAddress(this.getNodeParameter('number', itemIndex, '') as string);
	const body: IDataObject = number ? { number } : {};
	const response = await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/chat/fetchProfile/${instancePath(instanceName)}`,
		body,
		instanceName,
		itemIndex,
	});
	return [{ json: asObject(response) }];
}
