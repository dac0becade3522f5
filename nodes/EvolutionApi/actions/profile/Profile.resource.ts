import type { INodeProperties } from 'n8n-workflow';

import { instanceLocatorFor } from '../common.descriptions';
import type { ResourceOperations } from '../types';
import * as fetch from './fetch.operation';
import * as removePicture from './removePicture.operation';
import * as updateName from './updateName.operation';
import * as updatePicture from './updatePicture.operation';
import * as updateStatus from './updateStatus.operation';

export const operations: ResourceOperations = { fetch, removePicture, updateName, updatePicture, updateStatus };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['profile'] } },
		options: [
			{ name: 'Get', value: 'fetch', action: 'Get a profile', description: 'Get the profile of this instance or of a contact' },
			{ name: 'Remove Picture', value: 'removePicture', action: 'Remove the profile picture' },
			{ name: 'Update About', value: 'updateStatus', action: 'Update the about text' },
			{ name: 'Update Name', value: 'updateName', action: 'Update the profile name' },
			{ name: 'Update Picture', value: 'updatePicture', action: 'Update the profile picture' },
		],
		default: 'fetch',
	},
	instanceLocatorFor('profile'),
	...fetch.description,
	...updateName.description,
	...updateStatus.description,
	...updatePicture.description,
	...removePicture.description,
];
