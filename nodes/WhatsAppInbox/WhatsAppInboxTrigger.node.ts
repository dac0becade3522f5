import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { whatsAppInboxApiTest } from './methods/credentialTest';
import { getInboxChannels } from './trigger/channels';
import { INBOX_EVENT_OPTIONS } from './trigger/events';
import { receiveEvent } from './trigger/receive';
import { checkSubscriptionExists, createSubscription, deleteSubscription } from './trigger/registration';

/**
 * Starts a workflow on WhatsApp Inbox events. On activation it subscribes its URL on the WhatsApp Inbox server
 * (`/api/v1/webhook-subscriptions`) with a signing secret of its own, and removes the subscription on deactivation.
 * The server owns each number's one Evolution webhook, so any number of workflows can hear the same number this way.
 */
export class WhatsAppInboxTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Inbox Trigger',
		name: 'whatsAppInboxTrigger',
		icon: { light: 'file:../../icons/whatsapp-inbox.svg', dark: 'file:../../icons/whatsapp-inbox.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["events"].join(", ")}}',
		description: 'Starts the workflow when messages, conversations, leads or channels change in the WhatsApp Inbox',
		defaults: { name: 'WhatsApp Inbox Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'whatsAppInboxApi', required: true, testedBy: 'whatsAppInboxApiTest' }],
		webhooks: [
			// The server only looks at the status code; answer at once (an execution must not hold its delivery).
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', responseData: 'noData', path: 'inbox' },
		],
		properties: [
			{
				displayName:
					'Activating this trigger subscribes it on the WhatsApp Inbox server; deactivating removes the subscription. The API token needs the admin scope.',
				name: 'subscriptionNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				options: INBOX_EVENT_OPTIONS,
				default: ['message.received'],
				description: 'The events that start the workflow',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Channel Names or IDs',
						name: 'channelIds',
						type: 'multiOptions',
						typeOptions: { loadOptionsMethod: 'getInboxChannels' },
						default: [],
						description:
							'Only events of these WhatsApp numbers. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
					},
					{
						displayName: 'Direction',
						name: 'direction',
						type: 'options',
						options: [
							{ name: 'Any', value: 'any' },
							{ name: 'Inbound', value: 'inbound', description: 'Messages contacts sent' },
							{ name: 'Outbound', value: 'outbound', description: 'Messages sent to contacts' },
						],
						default: 'any',
						description: 'For message events: only messages going this way',
					},
					{
						displayName: 'Download Media',
						name: 'downloadMedia',
						type: 'boolean',
						default: false,
						description: 'Whether to attach the image, audio, video or document of a message as binary data (fetched from the server)',
					},
					{
						displayName: 'Ignore Groups',
						name: 'ignoreGroups',
						type: 'boolean',
						default: true,
						description: 'Whether to skip events from group chats',
					},
					{
						displayName: 'Only These Chats',
						name: 'onlyChats',
						type: 'string',
						default: '',
						placeholder: 'e.g. +55 11 98765-4321, 120363000000000000@g.us',
						description: 'Comma-separated phone numbers or JIDs. Events from other chats are skipped.',
					},
					{
						displayName: 'Put Media in Field',
						name: 'binaryPropertyName',
						type: 'string',
						default: 'data',
						description: 'The name of the output binary field for downloaded media',
					},
				],
			},
		],
	};

	methods = {
		loadOptions: { getInboxChannels },
		credentialTest: { whatsAppInboxApiTest },
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await checkSubscriptionExists.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await createSubscription.call(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await deleteSubscription.call(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveEvent.call(this);
	}
}
