import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../types';
import * as addNote from './addNote.operation';
import * as assign from './assign.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as getMessages from './getMessages.operation';
import * as markRead from './markRead.operation';
import * as setStatus from './setStatus.operation';

export const operations: ResourceOperations = { addNote, assign, get, getAll, getMessages, markRead, setStatus };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['conversation'] } },
		options: [
			{ name: 'Add Note', value: 'addNote', action: 'Add a private note to a conversation' },
			{ name: 'Assign', value: 'assign', action: 'Assign or transfer a conversation', description: 'Assign, transfer (with a note) or unassign' },
			{ name: 'Get', value: 'get', action: 'Get a conversation' },
			{ name: 'Get Many', value: 'getAll', action: 'Get many conversations' },
			{ name: 'Get Messages', value: 'getMessages', action: 'Get messages of a conversation' },
			{ name: 'Mark Read', value: 'markRead', action: 'Mark a conversation as read' },
			{ name: 'Set Status', value: 'setStatus', action: 'Set the status of a conversation', description: 'Open, pending, resolved, or snoozed until a date' },
		],
		default: 'get',
	},
	...get.description,
	...getAll.description,
	...assign.description,
	...setStatus.description,
	...addNote.description,
	...markRead.description,
	...getMessages.description,
];
