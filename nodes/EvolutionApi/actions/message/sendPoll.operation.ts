import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { itemParameter } from '../../../shared/parameters';
import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { asObject, readAddress } from '../../helpers/items';
import { evolutionApiRequest } from '../../transport';
import { recipientField } from '../common.descriptions';
import { delayOption, sendOptionsBody } from './shared';

const properties: INodeProperties[] = [
	recipientField(),
	{
		displayName: 'Question',
		name: 'question',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. Which time suits you?',
	},
	{
		displayName: 'Options',
		name: 'pollOptions',
		type: 'string',
		typeOptions: { multipleValues: true, multipleValueButtonText: 'Add Option' },
		default: [],
		required: true,
		placeholder: 'e.g. 10:00',
		description: 'Between 2 and 10 different answers',
	},
	{
		displayName: 'Selectable Answers',
		name: 'selectableCount',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 10 },
		default: 1,
		description: 'How many answers a person may pick (0 = any number)',
	},
	{
		displayName: 'Additional Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [delayOption],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['sendPoll'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const raw = this.getNodeParameter('pollOptions', itemIndex, []) as string[] | string;
	const values = [...new Set((Array.isArray(raw) ? raw : [raw]).map((value) => String(value).trim()).filter((value) => value !== ''))];
	if (values.length < 2 || values.length > 10) {
		throw new NodeOperationError(this.getNode(), `A poll needs 2 to 10 different options, got ${values.length}`, {
			itemIndex,
		});
	}
	const options = itemParameter.call(this, 'options', itemIndex, {}) as IDataObject;
	const response = await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/message/sendPoll/${instancePath(instanceName)}`,
		body: {
			number: readAddress.call(this, 'number', itemIndex),
			name: this.getNodeParameter('question', itemIndex) as string,
			selectableCount: this.getNodeParameter('selectableCount', itemIndex) as number,
			values,
			...sendOptionsBody(options),
		},
		instanceName,
		itemIndex,
	});
	return [{ json: asObject(response) }];
}
