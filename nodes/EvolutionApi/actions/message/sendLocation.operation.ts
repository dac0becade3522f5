import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { itemParameter } from '../../../shared/parameters';
import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { asObject, readAddress } from '../../helpers/items';
import { evolutionApiRequest } from '../../transport';
import { recipientField } from '../common.descriptions';
import { delayOption, replyOptions, sendOptionsBody } from './shared';

const properties: INodeProperties[] = [
	recipientField(),
	{
		displayName: 'Latitude',
		name: 'latitude',
		type: 'number',
		typeOptions: { minValue: -90, maxValue: 90, numberPrecision: 7 },
		default: 0,
		required: true,
	},
	{
		displayName: 'Longitude',
		name: 'longitude',
		type: 'number',
		typeOptions: { minValue: -180, maxValue: 180, numberPrecision: 7 },
		default: 0,
		required: true,
	},
	{
		displayName: 'Name',
		name: 'locationName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. Main Store',
	},
	{
		displayName: 'Address',
		name: 'address',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. Av. Paulista, 1000 - São Paulo',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [delayOption, ...replyOptions],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['sendLocation'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const options = itemParameter.call(this, 'options', itemIndex, {}) as IDataObject;
	const response = await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/message/sendLocation/${instancePath(instanceName)}`,
		body: {
			number: readAddress.call(this, 'number', itemIndex),
			latitude: this.getNodeParameter('latitude', itemIndex) as number,
			longitude: this.getNodeParameter('longitude', itemIndex) as number,
			name: this.getNodeParameter('locationName', itemIndex) as string,
			address: this.getNodeParameter('address', itemIndex) as string,
			...sendOptionsBody(options),
		},
		instanceName,
		itemIndex,
	});
	return [{ json: asObject(response) }];
}
