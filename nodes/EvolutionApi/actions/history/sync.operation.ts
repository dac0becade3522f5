import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { resolveInstanceName } from '../../helpers/instance';
import { collectMessages } from '../../helpers/messagePages';
import { normalizeStoredMessage } from '../../helpers/normalizeMessage';
import { normalizeWhatsAppAddress, toJid } from '../../helpers/phone';

const DAY_MS = 24 * 60 * 60 * 1000;

const properties: INodeProperties[] = [
	{
		displayName: 'Chats',
		name: 'scope',
		type: 'options',
		options: [
			{ name: 'All Chats', value: 'all' },
			{ name: 'One Chat', value: 'chat' },
		],
		default: 'all',
	},
	{
		displayName: 'Chat',
		name: 'chat',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 5511987654321',
		description: 'Phone number or JID of the chat',
		displayOptions: { show: { scope: ['chat'] } },
	},
	{
		displayName: 'From',
		name: 'from',
		type: 'dateTime',
		default: '',
		description: 'Start of the period. Empty means 30 days before "To".',
	},
	{
		displayName: 'To',
		name: 'to',
		type: 'dateTime',
		default: '',
		description: 'End of the period. Empty means now.',
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		options: [
			{ name: 'One Item per Message', value: 'message' },
			{ name: 'Batches of Messages', value: 'batch' },
		],
		default: 'message',
	},
	{
		displayName: 'Batch Size',
		name: 'batchSize',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 100,
		description: 'Messages per output item',
		displayOptions: { show: { output: ['batch'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Page Size',
				name: 'pageSize',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 500 },
				default: 100,
				description: 'Messages fetched per request',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['history'], operation: ['sync'] } }, properties);

function parseDate(this: IExecuteFunctions, value: unknown, label: string, itemIndex: number): Date | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const date = new Date(String(value));
	if (Number.isNaN(date.getTime())) {
		throw new NodeOperationError(this.getNode(), `"${String(value)}" is not a valid ${label} date`, { itemIndex });
	}
	return date;
}

/** Pages `findMessages` over a period (one chat, or all chats at once) and outputs normalised messages. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const to = parseDate.call(this, this.getNodeParameter('to', itemIndex, ''), '"To"', itemIndex) ?? new Date();
	const from =
		parseDate.call(this, this.getNodeParameter('from', itemIndex, ''), '"From"', itemIndex) ??
		new Date(to.getTime() - 30 * DAY_MS);
	if (from > to) {
		throw new NodeOperationError(this.getNode(), '"From" is after "To"', { itemIndex });
	}

	const where: IDataObject = {
		messageTimestamp: { gte: from.toISOString(), lte: to.toISOString() },
	};
	if (this.getNodeParameter('scope', itemIndex) === 'chat') {
		const chat = normalizeWhatsAppAddress(this.getNodeParameter('chat', itemIndex) as string);
		if (!chat) throw new NodeOperationError(this.getNode(), 'No chat given', { itemIndex });
		where.key = { remoteJid: toJid(chat) };
	}
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const records = await collectMessages.call(this, instanceName, where, {
		pageSize: Number(options.pageSize ?? 100),
		itemIndex,
	});
	// Evolution pages newest first; a history reads better oldest first.
	const messages = records
		.map((raw) => normalizeStoredMessage(raw, instanceName))
		.sort((a, b) => Number(a.messageTimestamp ?? 0) - Number(b.messageTimestamp ?? 0));

	if (this.getNodeParameter('output', itemIndex) === 'batch') {
		const size = this.getNodeParameter('batchSize', itemIndex) as number;
		const batches: INodeExecutionData[] = [];
		for (let start = 0; start < messages.length; start += size) {
			batches.push({
				json: {
					instanceName,
					from: from.toISOString(),
					to: to.toISOString(),
					batch: batches.length + 1,
					count: Math.min(size, messages.length - start),
					messages: messages.slice(start, start + size),
				},
			});
		}
		return batches;
	}
	return messages.map((message) => ({ json: message }));
}
