import type { INodeProperties } from 'n8n-workflow';

import { EVOLUTION_EVENT_OPTIONS } from '../helpers/events';

export const webhookEventsField: INodeProperties = {
	displayName: 'Events',
	name: 'events',
	type: 'multiOptions',
	options: EVOLUTION_EVENT_OPTIONS,
	default: ['MESSAGES_UPSERT'],
	description: 'Events to deliver. Leave empty to receive every event.',
};

export const webhookByEventsField: INodeProperties = {
	displayName: 'URL per Event',
	name: 'byEvents',
	type: 'boolean',
	default: false,
	description:
		'Whether Evolution appends the event name to the URL (e.g. …/messages-upsert) for each delivery',
};

export const webhookBase64Field: INodeProperties = {
	displayName: 'Include Media as Base64',
	name: 'base64',
	type: 'boolean',
	default: false,
	description: 'Whether received media is downloaded and included as base64 in the delivery',
};

export const webhookHeadersField: INodeProperties = {
	displayName: 'Headers',
	name: 'headers',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	default: {},
	placeholder: 'Add Header',
	description: 'Headers Evolution sends with every delivery, e.g. a shared secret',
	options: [
		{
			displayName: 'Header',
			name: 'values',
			values: [
				{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'e.g. x-webhook-secret' },
				{ displayName: 'Value', name: 'value', type: 'string', default: '', typeOptions: { password: true } },
			],
		},
	],
};
