import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../types';
import * as create from './create.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as getQr from './getQr.operation';
import * as getSync from './getSync.operation';
import * as logout from './logout.operation';
import * as reconnect from './reconnect.operation';
import * as startSync from './startSync.operation';

export const operations: ResourceOperations = { create, get, getAll, getQr, getSync, logout, reconnect, startSync };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['channel'] } },
		options: [
			{ name: 'Create', value: 'create', action: 'Create a channel', description: 'Add a WhatsApp number; outputs its QR code as a PNG' },
			{ name: 'Get History Sync', value: 'getSync', action: 'Get the progress of a history sync' },
			{ name: 'Get Many', value: 'getAll', action: 'Get many channels', description: 'Every number of the workspace with its state' },
			{ name: 'Get QR Code', value: 'getQr', action: 'Get the QR code of a channel' },
			{ name: 'Get State', value: 'get', action: 'Get the state of a channel' },
			{ name: 'Log Out', value: 'logout', action: 'Log a channel out' },
			{ name: 'Reconnect', value: 'reconnect', action: 'Reconnect a channel' },
			{ name: 'Start History Sync', value: 'startSync', action: 'Start a history sync' },
		],
		default: 'getAll',
	},
	...create.description,
	...getAll.description,
	...get.description,
	...getQr.description,
	...reconnect.description,
	...logout.description,
	...startSync.description,
	...getSync.description,
];
