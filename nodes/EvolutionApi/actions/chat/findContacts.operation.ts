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
				displayName: 'Contact',
				name: 'contact',
				type: 'string',
				default: '',
				placeholder: 'e.g. 5511987654321',
				description: 'Only this contact (phone number or JID)',
			},
			{
				displayName: 'Name',
				name: 'pushName',
				type: 'string',
				default: '',
				placeholder: 'e.g. Maria',
				description: 'Only contacts with exactly this WhatsApp name',
			},
		],
	},
];

/** Reads only: items may be asked in parallel (see OperationModule.readOnly). */
export const readOnly = true;

export const description = updateDisplayOptions(
	{ show: { resource: ['chat'], operation: ['findContacts'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const where: IDataObject = {};
	const contact = normalizeWhatsAppAddress(String(filters.contact ?? ''));
	if (contact) where.remoteJid = toJid(contact);
	if (String(filters.pushName ?? '').trim() !== '') where.pushName = String(filters.pushName).trim();

	const response = await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/chat/findContacts/${instancePath(instanceName)}`,
		body: { where },
		instanceName,
		itemIndex,
	});
	let rows = (Array.isArray(response) ? response : []) as IDataObject[];
	if (!(this.getNodeParameter('returnAll', itemIndex) as boolean)) {
		rows = rows.slice(0, this.getNodeParameter('limit', itemIndex) as number);
	}
	return rows.map((row) => ({ json: row }));
}
