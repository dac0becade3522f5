import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { asObject, compact, readId, segment } from '../../helpers/items';
import { inboxApiRequest } from '../../transport';
import { channelLocator, conversationLocator } from '../common.descriptions';

/** Statuses after which a message no longer changes by itself (sent or beyond, or given up). */
const SETTLED = ['sent', 'delivered', 'read', 'played', 'failed', 'cancelled'];

/** Where a message goes (Send and Send and Wait for Reply share them): a conversation, or a phone number on a channel. */
export const messageTargetFields: INodeProperties[] = [
	{
		displayName: 'Send To',
		name: 'sendTo',
		type: 'options',
		default: 'conversation',
		options: [
			{ name: 'Conversation', value: 'conversation', description: 'A reply in an existing conversation' },
			{ name: 'Phone Number on a Channel', value: 'phone', description: 'Finds or starts the conversation; proactive sends are paced' },
		],
	},
	conversationLocator({ displayOptions: { show: { sendTo: ['conversation'] } } }),
	channelLocator({ displayOptions: { show: { sendTo: ['phone'] } } }),
	{
		displayName: 'Phone Number',
		name: 'to',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. +55 11 98765-4321',
		description: 'With its country code, in any format',
		displayOptions: { show: { sendTo: ['phone'] } },
	},
];

/** Queues the message to the item's target (the fields above); answers the server's message. */
export async function sendToTarget(this: IExecuteFunctions, body: IDataObject, itemIndex: number): Promise<IDataObject> {
	if (this.getNodeParameter('sendTo', itemIndex, 'conversation') === 'phone') {
		body.channelId = readId.call(this, 'channelId', itemIndex, 'Channel');
		body.to = readId.call(this, 'to', itemIndex, 'Phone Number');
		return asObject(await inboxApiRequest.call(this, { method: 'POST', path: '/api/v1/messages', body, itemIndex }));
	}
	const conversationId = readId.call(this, 'conversationId', itemIndex, 'Conversation');
	return asObject(await inboxApiRequest.call(this, { method: 'POST', path: `/api/v1/conversations/${segment(conversationId)}/messages`, body, itemIndex }));
}

/** What to send: the fields of one message of any type (Send and Send Many share them). */
export function messageContentFields(operation: string): INodeProperties[] {
	const show = (extra: IDataObject = {}) => ({ show: { resource: ['message'], operation: [operation], ...extra } });
	return [
		{
			displayName: 'Message Type',
			name: 'messageType',
			type: 'options',
			default: 'text',
			displayOptions: show(),
			options: [
				{ name: 'Contact Card', value: 'contact' },
				{ name: 'Location', value: 'location' },
				{ name: 'Media (Image, Video, Voice Note, Document, Sticker)', value: 'media' },
				{ name: 'Reaction', value: 'reaction' },
				{ name: 'Text', value: 'text' },
			],
		},
		{
			displayName: 'Text',
			name: 'text',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			required: true,
			placeholder: 'e.g. Hi {{first_name}}, your order has shipped',
			description: 'The message. Send Many fills {{name}}, {{first_name}} and {{phone}} (and the item\'s variables) per contact.',
			displayOptions: show({ messageType: ['text'] }),
		},
		{
			displayName: 'Media Type',
			name: 'mediaType',
			type: 'options',
			default: 'image',
			displayOptions: show({ messageType: ['media'] }),
			options: [
				{ name: 'Document', value: 'document' },
				{ name: 'Image', value: 'image' },
				{ name: 'Sticker', value: 'sticker' },
				{ name: 'Video', value: 'video' },
				{ name: 'Voice Note', value: 'audio' },
			],
		},
		{
			displayName: 'File Source',
			name: 'mediaSource',
			type: 'options',
			default: 'binary',
			displayOptions: show({ messageType: ['media'] }),
			options: [
				{ name: 'Binary File of the Item', value: 'binary', description: 'Uploaded to the server\'s media store, then sent' },
				{ name: 'URL', value: 'url', description: 'The server (Evolution) downloads it' },
			],
		},
		{
			displayName: 'Input Binary Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			required: true,
			placeholder: 'e.g. data',
			hint: 'The name of the input binary field containing the file to send',
			displayOptions: show({ messageType: ['media'], mediaSource: ['binary'] }),
		},
		{
			displayName: 'File URL',
			name: 'mediaUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. https://example.com/catalog.pdf',
			displayOptions: show({ messageType: ['media'], mediaSource: ['url'] }),
		},
		{
			displayName: 'Caption',
			name: 'caption',
			type: 'string',
			default: '',
			description: 'Shown under an image, video or document',
			displayOptions: show({ messageType: ['media'] }),
		},
		{
			displayName: 'File Name',
			name: 'fileName',
			type: 'string',
			default: '',
			placeholder: 'e.g. catalog.pdf',
			description: 'Shown for documents (default: the binary file\'s name)',
			displayOptions: show({ messageType: ['media'], mediaType: ['document'] }),
		},
		{ displayName: 'Latitude', name: 'latitude', type: 'number', typeOptions: { numberPrecision: 6 }, default: 0, displayOptions: show({ messageType: ['location'] }) },
		{ displayName: 'Longitude', name: 'longitude', type: 'number', typeOptions: { numberPrecision: 6 }, default: 0, displayOptions: show({ messageType: ['location'] }) },
		{ displayName: 'Place Name', name: 'locationName', type: 'string', default: '', displayOptions: show({ messageType: ['location'] }) },
		{ displayName: 'Address', name: 'locationAddress', type: 'string', default: '', displayOptions: show({ messageType: ['location'] }) },
		{ displayName: 'Full Name', name: 'contactName', type: 'string', default: '', required: true, displayOptions: show({ messageType: ['contact'] }) },
		{
			displayName: 'Phone Number',
			name: 'contactPhone',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. +55 11 98765-4321',
			displayOptions: show({ messageType: ['contact'] }),
		},
		{ displayName: 'Organization', name: 'contactOrganization', type: 'string', default: '', displayOptions: show({ messageType: ['contact'] }) },
		{
			displayName: 'Message ID',
			name: 'reactToMessageId',
			type: 'string',
			default: '',
			required: true,
			description: 'The message (of the server) to react to',
			displayOptions: show({ messageType: ['reaction'] }),
		},
		{
			displayName: 'Emoji',
			name: 'emoji',
			type: 'string',
			default: '👍',
			description: 'One emoji; empty removes the reaction',
			displayOptions: show({ messageType: ['reaction'] }),
		},
	];
}

/** Uploads the item's binary file to the server's media store (POST /api/v1/media) and answers its id. */
async function uploadBinary(this: IExecuteFunctions, itemIndex: number, fileNameOverride: string): Promise<{ mediaId: string; mimeType: string; fileName: string }> {
	const propertyName = this.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string;
	const meta = this.helpers.assertBinaryData(itemIndex, propertyName);
	const buffer = await this.helpers.getBinaryDataBuffer(itemIndex, propertyName);
	const mimeType = meta.mimeType || 'application/octet-stream';
	const fileName = fileNameOverride || meta.fileName || `file${meta.fileExtension ? `.${meta.fileExtension}` : ''}`;
	const form = new FormData();
	form.append('file', new Blob([new Uint8Array(buffer)], { type: mimeType }), fileName);
	const saved = asObject(await inboxApiRequest.call(this, { method: 'POST', path: '/api/v1/media', body: form, itemIndex }));
	return { mediaId: String(saved.id), mimeType, fileName };
}

/** The server's send body for the item (without the target), uploading a binary file first when there is one. */
export async function buildMessageBody(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const messageType = this.getNodeParameter('messageType', itemIndex, 'text') as string;
	switch (messageType) {
		case 'text':
			return { type: 'text', text: readId.call(this, 'text', itemIndex, 'Text') };
		case 'media': {
			const type = this.getNodeParameter('mediaType', itemIndex, 'image') as string;
			const fileName = (this.getNodeParameter('fileName', itemIndex, '') as string).trim();
			const caption = this.getNodeParameter('caption', itemIndex, '') as string;
			let media: IDataObject;
			if (this.getNodeParameter('mediaSource', itemIndex, 'binary') === 'binary') {
				const uploaded = await uploadBinary.call(this, itemIndex, fileName);
				media = { mediaId: uploaded.mediaId, mimeType: uploaded.mimeType, fileName: uploaded.fileName };
			} else {
				const url = readId.call(this, 'mediaUrl', itemIndex, 'File URL');
				if (!/^https?:\/\//i.test(url)) {
					throw new NodeOperationError(this.getNode(), `"${url}" is not an http(s) URL`, { description: 'Give a full address, e.g. https://example.com/photo.jpg', itemIndex });
				}
				media = compact({ url, fileName });
			}
			return compact({ type, media, caption });
		}
		case 'location':
			return {
				type: 'location',
				location: compact({
					latitude: this.getNodeParameter('latitude', itemIndex) as number,
					longitude: this.getNodeParameter('longitude', itemIndex) as number,
					name: this.getNodeParameter('locationName', itemIndex, '') as string,
					address: this.getNodeParameter('locationAddress', itemIndex, '') as string,
				}),
			};
		case 'contact':
			return {
				type: 'contact',
				contact: compact({
					fullName: readId.call(this, 'contactName', itemIndex, 'Full Name'),
					phoneNumber: readId.call(this, 'contactPhone', itemIndex, 'Phone Number'),
					organization: this.getNodeParameter('contactOrganization', itemIndex, '') as string,
				}),
			};
		case 'reaction':
			return {
				type: 'reaction',
				reaction: { messageId: readId.call(this, 'reactToMessageId', itemIndex, 'Message ID'), emoji: this.getNodeParameter('emoji', itemIndex, '') as string },
			};
		default:
			throw new NodeOperationError(this.getNode(), `Unknown message type "${messageType}"`, { itemIndex });
	}
}

/** Polls the message until it is sent (or beyond) or failed, or the timeout passes (then `waitTimedOut`). */
export async function waitUntilSettled(this: IExecuteFunctions, message: IDataObject, timeoutSeconds: number, itemIndex: number): Promise<IDataObject> {
	const deadline = Date.now() + Math.max(0, timeoutSeconds) * 1000;
	let current = message;
	for (;;) {
		if (SETTLED.includes(String(current.status))) return { ...current, waitTimedOut: false };
		if (Date.now() >= deadline) return { ...current, waitTimedOut: true };
		await sleep(Math.min(500, Math.max(50, deadline - Date.now())));
		current = asObject(await inboxApiRequest.call(this, { method: 'GET', path: `/api/v1/messages/${segment(String(message.id))}`, itemIndex }));
	}
}
