import type { INodeProperties } from 'n8n-workflow';

import { instanceLocatorFor } from '../common.descriptions';
import type { ResourceOperations } from '../types';
import * as deleteForEveryone from './deleteForEveryone.operation';
import * as edit from './edit.operation';
import * as sendAudio from './sendAudio.operation';
import * as sendContact from './sendContact.operation';
import * as sendLocation from './sendLocation.operation';
import * as sendMedia from './sendMedia.operation';
import * as sendPoll from './sendPoll.operation';
import * as sendReaction from './sendReaction.operation';
import * as sendSticker from './sendSticker.operation';
import * as sendText from './sendText.operation';

export const operations: ResourceOperations = {
	deleteForEveryone,
	edit,
	sendAudio,
	sendContact,
	sendLocation,
	sendMedia,
	sendPoll,
	sendReaction,
	sendSticker,
	sendText,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		options: [
			{ name: 'Delete for Everyone', value: 'deleteForEveryone', action: 'Delete a message for everyone' },
			{ name: 'Edit', value: 'edit', action: 'Edit a sent message' },
			{ name: 'Send Contact', value: 'sendContact', action: 'Send a contact card' },
			{ name: 'Send Location', value: 'sendLocation', action: 'Send a location' },
			{ name: 'Send Media', value: 'sendMedia', action: 'Send an image video or document', description: 'From a binary file (multipart upload) or a URL' },
			{ name: 'Send Poll', value: 'sendPoll', action: 'Send a poll' },
			{ name: 'Send Reaction', value: 'sendReaction', action: 'React to a message', description: 'Add or remove an emoji reaction' },
			{ name: 'Send Sticker', value: 'sendSticker', action: 'Send a sticker' },
			{ name: 'Send Text', value: 'sendText', action: 'Send a text message' },
			{ name: 'Send Voice Note', value: 'sendAudio', action: 'Send a voice note' },
		],
		default: 'sendText',
	},
	instanceLocatorFor('message'),
	...sendText.description,
	...sendMedia.description,
	...sendAudio.description,
	...sendSticker.description,
	...sendReaction.description,
	...sendLocation.description,
	...sendContact.description,
	...sendPoll.description,
	...edit.description,
	...deleteForEveryone.description,
];
