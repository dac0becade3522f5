import type { INodeProperties } from 'n8n-workflow';

import { instanceLocatorFor, parallelRequestsFieldFor } from '../common.descriptions';
import type { ResourceOperations } from '../types';
import * as archive from './archive.operation';
import * as checkNumbers from './checkNumbers.operation';
import * as downloadMedia from './downloadMedia.operation';
import * as findChats from './findChats.operation';
import * as findContacts from './findContacts.operation';
import * as findMessages from './findMessages.operation';
import * as markRead from './markRead.operation';
import * as markUnread from './markUnread.operation';
import * as profilePicture from './profilePicture.operation';
import * as sendPresence from './sendPresence.operation';
import * as updateBlockStatus from './updateBlockStatus.operation';

export const operations: ResourceOperations = {
	archive,
	checkNumbers,
	downloadMedia,
	findChats,
	findContacts,
	findMessages,
	markRead,
	markUnread,
	profilePicture,
	sendPresence,
	updateBlockStatus,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['chat'] } },
		options: [
			{ name: 'Archive', value: 'archive', action: 'Archive or unarchive a chat' },
			{ name: 'Block or Unblock', value: 'updateBlockStatus', action: 'Block or unblock a contact' },
			{ name: 'Check Numbers', value: 'checkNumbers', action: 'Check whether numbers are on whats app' },
			{ name: 'Download Media', value: 'downloadMedia', action: 'Download the media of a message', description: 'Output the file of a media message as binary' },
			{ name: 'Find Chats', value: 'findChats', action: 'Find chats' },
			{ name: 'Find Contacts', value: 'findContacts', action: 'Find contacts' },
			{ name: 'Find Messages', value: 'findMessages', action: 'Find messages' },
			{ name: 'Get Profile Picture', value: 'profilePicture', action: 'Get the profile picture of a contact' },
			{ name: 'Mark as Read', value: 'markRead', action: 'Mark messages as read' },
			{ name: 'Mark as Unread', value: 'markUnread', action: 'Mark a chat as unread' },
			{ name: 'Send Presence', value: 'sendPresence', action: 'Show typing or recording in a chat' },
		],
		default: 'checkNumbers',
	},
	instanceLocatorFor('chat'),
	...checkNumbers.description,
	...findMessages.description,
	...findChats.description,
	...findContacts.description,
	...markRead.description,
	...markUnread.description,
	...archive.description,
	...sendPresence.description,
	...downloadMedia.description,
	...profilePicture.description,
	...updateBlockStatus.description,
	parallelRequestsFieldFor(
		'chat',
		Object.keys(operations).filter((name) => operations[name].readOnly === true),
	),
];
