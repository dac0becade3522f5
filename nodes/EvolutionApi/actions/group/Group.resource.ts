import type { INodeProperties } from 'n8n-workflow';

import { instanceLocatorFor, parallelRequestsFieldFor } from '../common.descriptions';
import type { ResourceOperations } from '../types';
import * as create from './create.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as getInviteLink from './getInviteLink.operation';
import * as getParticipants from './getParticipants.operation';
import * as leave from './leave.operation';
import * as revokeInviteLink from './revokeInviteLink.operation';
import * as sendInviteLink from './sendInviteLink.operation';
import * as updateDescription from './updateDescription.operation';
import * as updateParticipants from './updateParticipants.operation';
import * as updatePicture from './updatePicture.operation';
import * as updateSubject from './updateSubject.operation';

export const operations: ResourceOperations = {
	create,
	get,
	getAll,
	getInviteLink,
	getParticipants,
	leave,
	revokeInviteLink,
	sendInviteLink,
	updateDescription,
	updateParticipants,
	updatePicture,
	updateSubject,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['group'] } },
		options: [
			{ name: 'Create', value: 'create', action: 'Create a group' },
			{ name: 'Get', value: 'get', action: 'Get a group', description: 'Get the details of a group' },
			{ name: 'Get Invite Link', value: 'getInviteLink', action: 'Get the invite link of a group' },
			{ name: 'Get Many', value: 'getAll', action: 'Get many groups', description: 'List the groups the instance is in' },
			{ name: 'Get Participants', value: 'getParticipants', action: 'Get the participants of a group' },
			{ name: 'Leave', value: 'leave', action: 'Leave a group' },
			{ name: 'Revoke Invite Link', value: 'revokeInviteLink', action: 'Revoke the invite link of a group' },
			{ name: 'Send Invite Link', value: 'sendInviteLink', action: 'Send the invite link of a group' },
			{ name: 'Update Description', value: 'updateDescription', action: 'Update the description of a group' },
			{ name: 'Update Participants', value: 'updateParticipants', action: 'Add remove promote or demote participants' },
			{ name: 'Update Picture', value: 'updatePicture', action: 'Update the picture of a group' },
			{ name: 'Update Subject', value: 'updateSubject', action: 'Update the subject of a group' },
		],
		default: 'getAll',
	},
	instanceLocatorFor('group'),
	...create.description,
	...getAll.description,
	...get.description,
	...getParticipants.description,
	...updateParticipants.description,
	...updateSubject.description,
	...updateDescription.description,
	...updatePicture.description,
	...getInviteLink.description,
	...revokeInviteLink.description,
	...sendInviteLink.description,
	...leave.description,
	parallelRequestsFieldFor(
		'group',
		Object.keys(operations).filter((name) => operations[name].readOnly === true),
	),
];
