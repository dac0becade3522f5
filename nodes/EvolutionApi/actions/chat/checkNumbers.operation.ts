import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { normalizeWhatsAppAddress, splitAddressList } from '../../helpers/phone';
import { evolutionApiRequest } from '../../transport';

/** Evolution checks numbers one by one against WhatsApp; keep each request small. */
export const NUMBERS_PER_REQUEST = 50;

const properties: INodeProperties[] = [
	{
		displayName: 'Numbers',
		name: 'numbers',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		placeholder: 'e.g. +55 11 98765-4321, 5511912345678',
		description: 'Phone numbers separated by commas or new lines (or an array from an expression)',
	},
];

/** Reads only: items may be asked in parallel (see OperationModule.readOnly). */
export const readOnly = true;

export const description = updateDisplayOptions(
	{ show: { resource: ['chat'], operation: ['checkNumbers'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const raw = this.getNodeParameter('numbers', itemIndex) as string | string[];
	const numbers = splitAddressList(raw)
		.map((entry) => normalizeWhatsAppAddress(entry))
		.filter((entry): entry is string => entry !== undefined);
	if (numbers.length === 0) {
		throw new NodeOperationError(this.getNode(), 'No phone number to check', { itemIndex });
	}

	const results: INodeExecutionData[] = [];
	for (let start = 0; start < numbers.length; start += NUMBERS_PER_REQUEST) {
		const chunk = numbers.slice(start, start + NUMBERS_PER_REQUEST);
		const response = await evolutionApiRequest.call(this, {
			method: 'POST',
			path: `/chat/whatsappNumbers/${instancePath(instanceName)}`,
			body: { numbers: chunk },
			instanceName,
			itemIndex,
		});
		for (const row of (Array.isArray(response) ? response : []) as IDataObject[]) {
			results.push({ json: row });
		}
	}
	return results;
}
