import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { normalizeWhatsAppAddress, toJid } from '../../helpers/phone';
import { evolutionApiRequest } from '../../transport';
import { returnAllOrLimitFields } from '../common.descriptions';

const properties: INodeProperties[] = [
	...returnAllOrLimitFields,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Chat',
				name: 'chat',
				type: 'string',
				default: '',
				placeholder: 'e.g. 5511987654321',
				description: 'Only this chat (phone number or JID)',
			},
		],
	},
];

/** Reads only: items may be asked in parallel (see OperationModule.readOnly). */
export const readOnly = true;

export const description = updateDisplayOptions(
	{ show: { resource: ['chat'], operation: ['findChats'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const returnAll = this.getNodeParameter('returnAll', itemIndex) as boolean;
	const where: IDataObject = {};
	const chat = normalizeWhatsAppAddress(String(filters.chat ?? ''));
	if (chat) where.remoteJid = toJid(chat);
	const body: IDataObject = { where };
	if (!returnAll) body.take = this.getNodeParameter('limit', itemIndex) as number;

	const response = await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/chat/findChats/${instancePath(instanceName)}`,
		body,
		instanceName,
		itemIndex,
	});
	let rows = (Array.isArray(response) ? response : []) as IDataObject[];
	// Older servers ignore `take`; the limit still holds.
	if (!returnAll) rows = rows.slice(0, body.take as number);
	return rows.map((row) => ({ json: row }));
}
