import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { itemParameter } from '../../../shared/parameters';
import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { asObject, readAddress } from '../../helpers/items';
import { evolutionApiRequest } from '../../transport';
import { recipientField } from '../common.descriptions';
import { delayOption, mediaRequestBody, mediaSourceFields, readMediaSource, replyOptions, sendOptionsBody } from './shared';

const properties: INodeProperties[] = [
	recipientField(),
	...mediaSourceFields('Sticker'),
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
	{ show: { resource: ['message'], operation: ['sendSticker'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const number = readAddress.call(this, 'number', itemIndex);
	const options = itemParameter.call(this, 'options', itemIndex, {}) as IDataObject;
	const source = await readMediaSource.call(this, itemIndex, 'sticker');

	const body = mediaRequestBody(source, 'sticker', { number }, sendOptionsBody(options));
	const response = await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/message/sendSticker/${instancePath(instanceName)}`,
		body,
		instanceName,
		itemIndex,
	});
	return [{ json: asObject(response) }];
}
