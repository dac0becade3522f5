import type { INodeProperties } from 'n8n-workflow';

import { instanceLocatorFor } from '../common.descriptions';
import type { ResourceOperations } from '../types';
import * as connect from './connect.operation';
import * as connectionState from './connectionState.operation';
import * as create from './create.operation';
import * as deleteInstance from './delete.operation';
import * as fetch from './fetch.operation';
import * as logout from './logout.operation';
import * as restart from './restart.operation';
import * as setPresence from './setPresence.operation';
import * as waitForConnection from './waitForConnection.operation';

export const operations: ResourceOperations = {
	connect,
	connectionState,
	create,
	delete: deleteInstance,
	fetch,
	logout,
	restart,
	setPresence,
	waitForConnection,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['instance'] } },
		options: [
			{ name: 'Connect', value: 'connect', action: 'Connect an instance', description: 'Get the QR code (PNG) and pairing code to link a phone' },
			{ name: 'Create', value: 'create', action: 'Create an instance', description: 'Create an instance, optionally with webhook, settings and QR code' },
			{ name: 'Delete', value: 'delete', action: 'Delete an instance', description: 'Log out and remove an instance' },
			{ name: 'Fetch', value: 'fetch', action: 'Fetch instances', description: 'Get one instance or list them all' },
			{ name: 'Get Connection State', value: 'connectionState', action: 'Get the connection state of an instance' },
			{ name: 'Logout', value: 'logout', action: 'Log out an instance', description: 'Unlink the phone; the instance stays' },
			{ name: 'Restart', value: 'restart', action: 'Restart an instance' },
			{ name: 'Set Presence', value: 'setPresence', action: 'Set the presence of an instance', description: 'Show the account as available or unavailable' },
			{ name: 'Wait for Connection', value: 'waitForConnection', action: 'Wait until an instance is connected', description: 'Wait until the QR code is scanned and the instance is open' },
		],
		default: 'connect',
	},
	instanceLocatorFor('instance', [
		'connect',
		'connectionState',
		'delete',
		'fetch',
		'logout',
		'restart',
		'setPresence',
		'waitForConnection',
	]),
	...create.description,
	...connect.description,
	...connectionState.description,
	...fetch.description,
	...restart.description,
	...logout.description,
	...deleteInstance.description,
	...setPresence.description,
	...waitForConnection.description,
];
