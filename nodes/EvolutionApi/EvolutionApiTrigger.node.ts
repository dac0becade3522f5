import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { evolutionApiConnectionTest } from './methods/credentialTest';
import { searchInstances } from './methods/listSearch';
import { TRIGGER_EVENT_OPTIONS } from './trigger/events';
import { receiveDelivery } from './trigger/receive';
import { checkPerEventUrls, checkWebhookExists, createWebhook, deleteWebhook, switchToPerEventUrls } from './trigger/registration';

/**
 * Starts a workflow on Evolution API events. On activation it registers its own webhook on the instance
 * (`/webhook/set`) with a random secret header, which every delivery must carry.
 */
export class EvolutionApiTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Evolution API Trigger',
		name: 'evolutionApiTrigger',
		icon: { light: 'file:../../icons/evolution.svg', dark: 'file:../../icons/evolution.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"Instance: " + ($parameter["instanceName"].value || "default")}}',
		description: 'Starts the workflow when WhatsApp events arrive from the Evolution API',
		defaults: { name: 'Evolution API Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'evolutionApi', required: true, testedBy: 'evolutionApiConnectionTest' }],
		webhooks: [
			// Evolution only looks at the status code; answer 200 with an empty body at once.
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', responseData: 'noData', path: 'evolution' },
			// With per-event URLs Evolution posts to `<url>/<event-name>`, e.g. `…/evolution/messages-upsert`.
			// n8n stores a dynamic path as it is given (isFullPath) and matches it after the node's webhook id,
			// so this path lines up with the default URL plus one segment; the id in the parameter name keeps
			// it unique among all triggers (the database key is the path).
			{
				name: 'setup',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				responseData: 'noData',
				isFullPath: true,
				path: '=evolution/:event{{$webhookId}}',
			},
		],
		properties: [
			{
				displayName:
					'Evolution API keeps one webhook per instance. Activating this trigger registers its own URL on the instance.',
				name: 'oneWebhookNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Instance',
				name: 'instanceName',
				type: 'resourceLocator',
				default: { mode: 'list', value: '' },
				description:
					'The Evolution instance (WhatsApp number) to listen to. Leave empty to use the Default Instance of the credential.',
				modes: [
					{
						displayName: 'From List',
						name: 'list',
						type: 'list',
						typeOptions: { searchListMethod: 'searchInstances', searchable: true },
					},
					{ displayName: 'By Name', name: 'name', type: 'string', placeholder: 'e.g. sales' },
				],
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				options: TRIGGER_EVENT_OPTIONS,
				default: ['messages.upsert'],
				description: 'The events that start the workflow',
			},
			{
				displayName: 'If Another Webhook Is Set',
				name: 'existingWebhook',
				type: 'options',
				options: [
					{
						name: 'Fail Activation',
						value: 'fail',
						description: 'Refuse to activate while the instance sends its webhook to another URL',
					},
					{
						name: 'Take It Over',
						value: 'takeOver',
						description:
							'Replace the other webhook while this trigger is active, and restore it when the trigger is deactivated',
					},
				],
				default: 'fail',
				description: 'What to do when the instance already sends its webhook somewhere else',
			},
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				options: [
					{
						name: 'Simplified',
						value: 'simplified',
						description: 'Chat, phone, text, media details, reply and reaction fields, plus the raw event',
					},
					{ name: 'Raw', value: 'raw', description: 'The event exactly as Evolution sent it' },
				],
				default: 'simplified',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Download Media',
						name: 'downloadMedia',
						type: 'boolean',
						default: true,
						description:
							'Whether to attach images, audio, video, documents and stickers as binary data (asks Evolution to include the file in the event, and fetches it when it does not)',
					},
					{
						displayName: 'Ignore Groups',
						name: 'ignoreGroups',
						type: 'boolean',
						default: true,
						description: 'Whether to skip events from group chats',
					},
					{
						displayName: 'Ignore Own Messages',
						name: 'ignoreFromMe',
						type: 'boolean',
						default: true,
						description:
							'Whether to skip new messages sent from this WhatsApp number, e.g. typed on the phone (avoids reply loops). Receipts and API sends are not affected.',
					},
					{
						displayName: 'Ignore Status Broadcasts',
						name: 'ignoreStatus',
						type: 'boolean',
						default: true,
						description: 'Whether to skip WhatsApp status updates and newsletter posts',
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
						displayName: 'Per-Event URLs',
						name: 'perEventUrls',
						type: 'boolean',
						default: false,
						description:
							'Whether Evolution should post each event to its own URL (its "Webhook by Events" setting, e.g. …/messages-upsert)',
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
		listSearch: { searchInstances },
		credentialTest: { evolutionApiConnectionTest },
	};

	// n8n stores a node's webhooks one by one, in the order above, and runs each one's methods right after storing it
	// (and, listening for a test event, keeps the static data as it is after that webhook's methods). So the plain URL
	// is registered from the first webhook, when it alone is stored; the switch to per-event URLs, when asked, comes
	// from the second, once its path is stored too: Evolution never delivers to a path n8n would answer 404 (which it
	// does not retry).
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await checkWebhookExists.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await createWebhook.call(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await deleteWebhook.call(this);
			},
		},
		setup: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await checkPerEventUrls.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await switchToPerEventUrls.call(this);
			},
			// The first webhook's delete puts the instance back as it was, per-event URLs included.
			async delete(): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveDelivery.call(this);
	}
}
