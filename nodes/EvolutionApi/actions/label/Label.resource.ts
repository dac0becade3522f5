import type { INodeProperties } from 'n8n-workflow';

import { instanceLocatorFor } from '../common.descriptions';
import type { ResourceOperations } from '../types';
import * as addToChat from './addToChat.operation';
import * as getAll from './getAll.operation';
import * as removeFromChat from './removeFromChat.operation';

export const operations: ResourceOperations = { addToChat, getAll, removeFromChat };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['label'] } },
		options: [
			{ name: 'Add to Chat', value: 'addToChat', action: 'Add a label to a chat' },
			{ name: 'Get Many', value: 'getAll', action: 'Get many labels' },
			{ name: 'Remove From Chat', value: 'removeFromChat', action: 'Remove a label from a chat' },
		],
		default: 'getAll',
	},
	instanceLocatorFor('label'),
	...getAll.description,
	...addToChat.description,
	...removeFromChat.description,
];
