import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { compact, toItems } from '../../helpers/items';
import { listPages } from '../../helpers/pagination';
import { returnAllOrLimitFields } from '../common.descriptions';
import { sourceOptions, statusOptions } from './fields';

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
				displayName: 'Owner Name or ID',
				name: 'ownerUserId',
				type: 'options',
				typeOptions: { loadOptionsMethod: 'getAttendants' },
				default: '',
				description: 'Only leads of this attendant. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Search',
				name: 'q',
				type: 'string',
				default: '',
				placeholder: 'e.g. maria',
				description: 'Matches the name, e-mail or phone',
			},
			{ displayName: 'Source', name: 'source', type: 'options', options: sourceOptions, default: 'whatsapp' },
			{ displayName: 'Status', name: 'status', type: 'options', options: statusOptions, default: 'new' },
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['lead'], operation: ['getAll'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const filters = compact(this.getNodeParameter('filters', itemIndex, {}) as IDataObject);
	const rows = await listPages.call(this, { path: '/api/v1/leads', qs: filters, limit, itemIndex });
	return rows.length === 0 ? [] : toItems(rows);
}
