import type { INodeProperties } from 'n8n-workflow';

import { instanceLocatorFor } from '../common.descriptions';
import type { ResourceOperations } from '../types';
import * as find from './find.operation';
import * as set from './set.operation';

export const operations: ResourceOperations = { find, set };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['webhook'] } },
		options: [
			{ name: 'Get', value: 'find', action: 'Get the webhook of an instance' },
			{ name: 'Set', value: 'set', action: 'Set the webhook of an instance' },
		],
		default: 'set',
	},
	instanceLocatorFor('webhook'),
	...set.description,
	...find.description,
];
