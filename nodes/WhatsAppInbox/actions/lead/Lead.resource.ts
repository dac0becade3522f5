import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../types';
import * as create from './create.operation';
import * as deleteLead from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';
import * as upsert from './upsert.operation';

export const operations: ResourceOperations = { create, delete: deleteLead, get, getAll, update, upsert };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['lead'] } },
		options: [
			{ name: 'Create', value: 'create', action: 'Create a lead' },
			{
				name: 'Create or Update',
				value: 'upsert',
				action: 'Create or update a lead by phone',
				description: 'Create a new record, or update the current one if it already exists (upsert)',
			},
			{ name: 'Delete', value: 'delete', action: 'Delete a lead' },
			{ name: 'Get', value: 'get', action: 'Get a lead' },
			{ name: 'Get Many', value: 'getAll', action: 'Get many leads' },
			{ name: 'Update', value: 'update', action: 'Update a lead' },
		],
		default: 'create',
	},
	...create.description,
	...get.description,
	...getAll.description,
	...update.description,
	...upsert.description,
	...deleteLead.description,
];
