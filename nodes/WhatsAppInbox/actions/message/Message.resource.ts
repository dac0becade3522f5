import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../types';
import * as cancel from './cancel.operation';
import * as getStatus from './getStatus.operation';
import * as retry from './retry.operation';
import * as send from './send.operation';
import * as sendAndWait from './sendAndWait.operation';
import * as sendMany from './sendMany.operation';

export const operations: ResourceOperations = { cancel, getStatus, retry, send, sendAndWait, sendMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		options: [
			{ name: 'Cancel', value: 'cancel', action: 'Cancel a queued message' },
			{ name: 'Get Status', value: 'getStatus', action: 'Get the status of a message' },
			{ name: 'Retry', value: 'retry', action: 'Retry a failed message' },
			{ name: 'Send', value: 'send', action: 'Send a message', description: 'Text, media, location, contact card, reaction or quoted reply, through the outbox' },
			{
				name: 'Send and Wait for Reply',
				value: 'sendAndWait',
				action: 'Send a message and wait for the reply',
				description: "Pauses the workflow until the contact answers (free text or a numbered choice) or the timeout passes",
			},
			{ name: 'Send Many', value: 'sendMany', action: 'Send many messages', description: 'A campaign: one message per item through the batch route, paced by the server' },
		],
		default: 'send',
	},
	...send.description,
	...sendMany.description,
	...sendAndWait.description,
	...getStatus.description,
	...retry.description,
	...cancel.description,
];
