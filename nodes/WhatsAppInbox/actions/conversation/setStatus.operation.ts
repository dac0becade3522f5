import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { readId, segment, toItems } from '../../helpers/items';
import { inboxApiRequest } from '../../transport';
import { conversationLocator } from '../common.descriptions';

const properties: INodeProperties[] = [
	conversationLocator(),
	{
		displayName: 'Status',
		name: 'status',
		type: 'options',
		default: 'resolved',
		options: [
			{ name: 'Open', value: 'open' },
			{ name: 'Pending', value: 'pending' },
			{ name: 'Resolved', value: 'resolved' },
			{ name: 'Snoozed', value: 'snoozed' },
		],
	},
	{
		displayName: 'Snooze Until',
		name: 'snoozedUntil',
		type: 'dateTime',
		default: '',
		required: true,
		description: 'When the conversation comes back to the inbox (or earlier, when the contact writes)',
		displayOptions: { show: { status: ['snoozed'] } },
	},
];

export const description = updateDisplayOptions({ show: { resource: ['conversation'], operation: ['setStatus'] } }, properties);

/** n8n's date picker gives a local time without an offset; the server wants ISO 8601 with one. */
function isoWithOffset(this: IExecuteFunctions, value: string, itemIndex: number): string {
	const date = new Date(value);
	if (Number.isNaN(date.getTime())) {
		throw new NodeOperationError(this.getNode(), `Snooze Until "${value}" is not a date`, { description: 'Use an ISO 8601 date, e.g. 2026-12-24T09:00:00Z', itemIndex });
	}
	return date.toISOString();
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const conversationId = readId.call(this, 'conversationId', itemIndex, 'Conversation');
	const status = this.getNodeParameter('status', itemIndex) as string;
	const body: IDataObject = { status };
	if (status === 'snoozed') body.snoozedUntil = isoWithOffset.call(this, String(this.getNodeParameter('snoozedUntil', itemIndex, '')), itemIndex);
	return toItems(await inboxApiRequest.call(this, { method: 'POST', path: `/api/v1/conversations/${segment(conversationId)}/status`, body, itemIndex }));
}
