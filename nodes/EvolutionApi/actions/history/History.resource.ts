import type { INodeProperties } from 'n8n-workflow';

import { instanceLocatorFor } from '../common.descriptions';
import type { ResourceOperations } from '../types';
import * as sync from './sync.operation';

export const operations: ResourceOperations = { sync };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['history'] } },
		options: [
			{
				name: 'Sync',
				value: 'sync',
				action: 'Sync message history',
				description: 'Read the stored messages of a period, page by page, as normalised items',
			},
		],
		default: 'sync',
	},
	instanceLocatorFor('history'),
	...sync.description,
];
