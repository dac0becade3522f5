import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { resolveInstanceName } from '../../helpers/instance';
import { normalizeWhatsAppAddress, toJid } from '../../helpers/phone';
import { collectMessages } from '../../helpers/messagePages';
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
				description: 'Only messages of this chat (phone number or JID)',
			},
			{
				displayName: 'From',
				name: 'from',
				type: 'dateTime',
				default: '',
				description: 'Only messages sent at or after this time (needs "To" too)',
			},
			{
				displayName: 'Message ID',
				name: 'messageId',
				type: 'string',
				default: '',
			},
			{
				displayName: 'Message Type',
				name: 'messageType',
				type: 'string',
				default: '',
				placeholder: 'e.g. imageMessage',
			},
			{
				displayName: 'Only Sent by Me',
				name: 'fromMe',
				type: 'boolean',
				default: false,
				description: 'Whether to return only messages this instance sent',
			},
			{
				displayName: 'To',
				name: 'to',
				type: 'dateTime',
				default: '',
				description: 'Only messages sent at or before this time (needs "From" too)',
			},
		],
	},
];

/** Reads only: items may be asked in parallel (see OperationModule.readOnly). */
export const readOnly = true;

export const description = updateDisplayOptions(
	{ show: { resource: ['chat'], operation: ['findMessages'] } },
	properties,
);

/** Evolution's `where` for findMessages (dates only apply when both ends are given). */
export function messageFilter(filters: IDataObject): IDataObject {
	const where: IDataObject = {};
	const key: IDataObject = {};
	const chat = normalizeWhatsAppAddress(String(filters.chat ?? ''));
	if (chat) key.remoteJid = toJid(chat);
	if (filters.fromMe === true) key.fromMe = true;
	if (String(filters.messageId ?? '').trim() !== '') key.id = String(filters.messageId).trim();
	if (Object.keys(key).length > 0) where.key = key;
	if (String(filters.messageType ?? '').trim() !== '') where.messageType = String(filters.messageType).trim();
	if (filters.from && filters.to) {
		where.messageTimestamp = {
			gte: new Date(String(filters.from)).toISOString(),
			lte: new Date(String(filters.to)).toISOString(),
		};
	}
	return where;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const returnAll = this.getNodeParameter('returnAll', itemIndex) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex) as number);
	const where = messageFilter(this.getNodeParameter('filters', itemIndex, {}) as IDataObject);
	const records = await collectMessages.call(this, instanceName, where, {
		limit,
		pageSize: limit !== undefined ? Math.min(Math.max(limit, 1), 100) : 100,
		itemIndex,
	});
	return records.map((record) => ({ json: record }));
}
