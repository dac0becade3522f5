import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { itemParameter } from '../../../shared/parameters';
import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { asObject, readAddress } from '../../helpers/items';
import { evolutionApiRequest } from '../../transport';
import { recipientField } from '../common.descriptions';
import { delayOption, mentionOptions, replyOptions, sendOptionsBody } from './shared';

const properties: INodeProperties[] = [
	recipientField(),
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		placeholder: 'e.g. Hello! Your order has shipped.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			delayOption,
			{
				displayName: 'Link Preview',
				name: 'linkPreview',
				type: 'boolean',
				default: true,
				description: 'Whether WhatsApp shows a preview of the first link in the text',
			},
			...mentionOptions,
			...replyOptions,
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['sendText'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const number = readAddress.call(this, 'number', itemIndex);
	const text = this.getNodeParameter('text', itemIndex) as string;
	if (text.trim() === '') {
		throw new NodeOperationError(this.getNode(), 'Text is empty', { itemIndex });
	}
	const options = itemParameter.call(this, 'options', itemIndex, {}) as IDataObject;
	const body: IDataObject = { number, text, ...sendOptionsBody(options) };
	if (options.linkPreview === false) body.linkPreview = false;

	const response = await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/message/sendText/${instancePath(instanceName)}`,
		body,
		instanceName,
		itemIndex,
	});
	return [{ json: asObject(response) }];
}
