import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { compact, toItems } from '../../helpers/items';
import { listPages } from '../../helpers/pagination';
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
				displayName: 'Channel Name or ID',
				name: 'channelId',
				type: 'options',
				typeOptions: { loadOptionsMethod: 'getChannels' },
				default: '',
				description: 'Only conversations on this number. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Only Unread',
				name: 'unread',
				type: 'boolean',
				default: false,
				description: 'Whether to return only conversations with unread messages',
			},
			{
				displayName: 'Search',
				name: 'q',
				type: 'string',
				default: '',
				placeholder: 'e.g. maria',
				description: "The contact's name or phone, or the last message",
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				default: 'active',
				options: [
					{ name: 'Active (Open or Pending)', value: 'active' },
					{ name: 'All', value: 'all' },
					{ name: 'Open', value: 'open' },
					{ name: 'Pending', value: 'pending' },
					{ name: 'Resolved', value: 'resolved' },
					{ name: 'Snoozed', value: 'snoozed' },
				],
			},
			{
				displayName: 'Tab',
				name: 'assignee',
				type: 'options',
				default: 'all',
				options: [
					{ name: 'All', value: 'all' },
					{ name: 'Unassigned', value: 'unassigned' },
				],
				description: 'Which conversations by assignment (an API token has no "mine" tab)',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['conversation'], operation: ['getAll'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const filters = compact({ ...(this.getNodeParameter('filters', itemIndex, {}) as IDataObject) });
	if (filters.unread === true) filters.unread = 'true';
	else delete filters.unread;
	const rows = await listPages.call(this, { path: '/api/v1/conversations', qs: filters, limit, itemIndex });
	return rows.length === 0 ? [] : toItems(rows);
}
