import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../types';
import * as findByPhone from './findByPhone.operation';
import * as get from './get.operation';
import * as optIn from './optIn.operation';
import * as optOut from './optOut.operation';
import * as update from './update.operation';

export const operations: ResourceOperations = { findByPhone, get, optIn, optOut, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['contact'] } },
		options: [
			{ name: 'Find by Phone', value: 'findByPhone', action: 'Find a contact by phone' },
			{ name: 'Get', value: 'get', action: 'Get a contact' },
			{ name: 'Opt In', value: 'optIn', action: 'Opt a contact back in to proactive messages' },
			{ name: 'Opt Out', value: 'optOut', action: 'Opt a contact out of proactive messages' },
			{ name: 'Update', value: 'update', action: 'Update a contact' },
		],
		default: 'findByPhone',
	},
	...findByPhone.description,
	...get.description,
	...update.description,
	...optOut.description,
	...optIn.description,
];
