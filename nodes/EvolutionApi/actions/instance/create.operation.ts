import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { headersFromCollection, buildWebhookConfig } from '../../helpers/webhook';
import { qrCodeItem } from '../../helpers/qrCode';
import { compact } from '../../helpers/items';
import { normalizeWhatsAppAddress } from '../../helpers/phone';
import { evolutionApiRequest } from '../../transport';
import {
	webhookBase64Field,
	webhookByEventsField,
	webhookEventsField,
	webhookHeadersField,
} from '../webhookFields';

const properties: INodeProperties[] = [
	{
		displayName: 'Instance Name',
		name: 'newInstanceName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. sales',
		description: 'Unique name of the new instance; it is used in every later call',
	},
	{
		displayName: 'Integration',
		name: 'integration',
		type: 'options',
		options: [
			{ name: 'Evolution', value: 'EVOLUTION' },
			{ name: 'WhatsApp (Baileys)', value: 'WHATSAPP-BAILEYS' },
			{ name: 'WhatsApp Business (Cloud API)', value: 'WHATSAPP-BUSINESS' },
		],
		default: 'WHATSAPP-BAILEYS',
		description: 'How the instance talks to WhatsApp. Baileys connects a phone by QR code.',
	},
	{
		displayName: 'Generate QR Code',
		name: 'qrcode',
		type: 'boolean',
		default: true,
		description:
			'Whether to start connecting right away and return the QR code (as a PNG in the output binary field)',
	},
	{
		displayName: 'Put QR Code in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		displayOptions: { show: { qrcode: [true] } },
		hint: 'The name of the output binary field for the QR code image',
	},
	{
		displayName: 'Webhook',
		name: 'webhook',
		type: 'collection',
		placeholder: 'Add Webhook Setting',
		default: {},
		description: 'Where Evolution sends the events of this instance',
		options: [
			{
				displayName: 'URL',
				name: 'url',
				type: 'string',
				default: '',
				placeholder: 'e.g. https://n8n.example.com/webhook/evolution',
			},
			webhookEventsField,
			webhookByEventsField,
			webhookBase64Field,
			webhookHeadersField,
		],
	},
	{
		displayName: 'Settings',
		name: 'settings',
		type: 'collection',
		placeholder: 'Add Setting',
		default: {},
		options: [
			{ displayName: 'Always Online', name: 'alwaysOnline', type: 'boolean', default: false, description: 'Whether the account always shows as online' },
			{ displayName: 'Call Rejection Message', name: 'msgCall', type: 'string', default: '', placeholder: 'e.g. We cannot take calls, please write', description: 'Message sent to a caller when calls are rejected' },
			{ displayName: 'Ignore Groups', name: 'groupsIgnore', type: 'boolean', default: false, description: 'Whether group messages are ignored' },
			{ displayName: 'Read Messages', name: 'readMessages', type: 'boolean', default: false, description: 'Whether incoming messages are marked as read automatically' },
			{ displayName: 'Read Status', name: 'readStatus', type: 'boolean', default: false, description: 'Whether status updates are marked as seen automatically' },
			{ displayName: 'Reject Calls', name: 'rejectCall', type: 'boolean', default: false, description: 'Whether incoming calls are rejected' },
			{ displayName: 'Sync Full History', name: 'syncFullHistory', type: 'boolean', default: false, description: 'Whether the whole chat history is imported when the phone connects' },
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Business ID',
				name: 'businessId',
				type: 'string',
				default: '',
				description: 'WhatsApp Business account ID (Cloud API only)',
			},
			{
				displayName: 'Instance Token',
				name: 'token',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				description: 'API key for this instance only. Evolution generates one when empty.',
			},
			{
				displayName: 'Phone Number',
				name: 'number',
				type: 'string',
				default: '',
				placeholder: 'e.g. 5511987654321',
				description: 'Number of the WhatsApp account; needed for a pairing code and for the Cloud API',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['instance'], operation: ['create'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = String(this.getNodeParameter('newInstanceName', itemIndex)).trim();
	const qrcode = this.getNodeParameter('qrcode', itemIndex) as boolean;
	const webhook = this.getNodeParameter('webhook', itemIndex, {}) as IDataObject;
	const settings = this.getNodeParameter('settings', itemIndex, {}) as IDataObject;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;

	const body: IDataObject = compact({
		instanceName,
		integration: this.getNodeParameter('integration', itemIndex) as string,
		qrcode,
		token: options.token as string | undefined,
		number: options.number ? normalizeWhatsAppAddress(String(options.number)) : undefined,
		businessId: options.businessId as string | undefined,
		...settings,
	});
	if (typeof webhook.url === 'string' && webhook.url.trim() !== '') {
		body.webhook = buildWebhookConfig({
			url: webhook.url.trim(),
			events: (webhook.events as string[] | undefined) ?? [],
			byEvents: webhook.byEvents as boolean | undefined,
			base64: webhook.base64 as boolean | undefined,
			headers: headersFromCollection(webhook.headers),
		});
	}

	const response = (await evolutionApiRequest.call(this, {
		method: 'POST',
		path: '/instance/create',
		body,
		instanceName,
		itemIndex,
	})) as IDataObject;

	const qr = response.qrcode as IDataObject | undefined;
	if (qrcode && qr && typeof qr.base64 === 'string') {
		const binaryPropertyName = this.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string;
		const item = await qrCodeItem.call(this, instanceName, qr, binaryPropertyName);
		return [{ json: { ...response, qrcode: item.json }, binary: item.binary }];
	}
	return [{ json: response }];
}
