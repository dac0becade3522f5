import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../types';
import * as get from './get.operation';
import * as handOff from './handOff.operation';
import { setStateOperation } from './shared';

const pause = setStateOperation('pause', 'paused');
const giveBack = setStateOperation('giveBack', 'active');
const turnOff = setStateOperation('turnOff', 'off');

export const operations: ResourceOperations = { get, giveBack, handOff, pause, turnOff };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['ai'] } },
		options: [
			{
				name: 'Get State',
				value: 'get',
				action: 'Get the AI state of a conversation',
				description: 'Active, paused, handed off or off, why, the agent and the latest replies',
			},
			{
				name: 'Give Back',
				value: 'giveBack',
				action: 'Give a conversation back to the AI',
				description: 'The AI answers again from the next customer message on (the channel needs an AI agent)',
			},
			{
				name: 'Hand Off',
				value: 'handOff',
				action: 'Hand a conversation off to an attendant',
				description: 'Pause the AI and assign the conversation to a person, with a note the team sees',
			},
			{ name: 'Pause', value: 'pause', action: 'Pause the AI in a conversation', description: 'The AI stops answering until given back' },
			{ name: 'Turn Off', value: 'turnOff', action: 'Turn the AI off for a conversation' },
		],
		default: 'get',
	},
	...get.description,
	...pause.description,
	...giveBack.description,
	...turnOff.description,
	...handOff.description,
];
