import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { asObject, readId, segment } from '../../helpers/items';
import { inboxApiRequest } from '../../transport';
import { channelLocator, conversationLocator } from '../common.descriptions';
import { buildMessageBody, messageContentFields, waitUntilSettled } from './shared';

const properties: INodeProperties[] = [
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
	...messageContentFields('send'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Client ID',
				name: 'clientId',
				type: 'string',
				default: '',
				placeholder: 'e.g. order-123-shipped',
				description: 'Idempotency key: the same Client ID again answers the same message and never sends twice',
			},
			{
				displayName: 'Reply To Message ID',
				name: 'replyToMessageId',
				type: 'string',
				default: '',
				description: 'Quote this message of the conversation (a quoted reply)',
			},
			{
				displayName: 'Show Typing',
				name: 'typing',
				type: 'boolean',
				default: true,
				description: 'Whether to show "typing…" (recording, for voice notes) for a moment from the text length before sending',
			},
			{
				displayName: 'Wait Timeout (Seconds)',
				name: 'waitTimeout',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 60,
				description: 'How long Wait Until Sent waits before giving the current status with waitTimedOut true',
			},
			{
				displayName: 'Wait Until Sent',
				name: 'waitUntilSent',
				type: 'boolean',
				default: false,
				description: 'Whether to wait until WhatsApp took the message (sent) or the outbox gave up (failed) instead of answering as soon as it is queued',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['message'], operation: ['send'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const body = await buildMessageBody.call(this, itemIndex);
	if (options.clientId) body.clientId = String(options.clientId);
	if (options.replyToMessageId) body.replyToMessageId = String(options.replyToMessageId);
	if (options.typing !== undefined) body.typing = options.typing === true;

	let message: IDataObject;
	if (this.getNodeParameter('sendTo', itemIndex, 'conversation') === 'phone') {
		body.channelId = readId.call(this, 'channelId', itemIndex, 'Channel');
		body.to = readId.call(this, 'to', itemIndex, 'Phone Number');
		message = asObject(await inboxApiRequest.call(this, { method: 'POST', path: '/api/v1/messages', body, itemIndex }));
	} else {
		const conversationId = readId.call(this, 'conversationId', itemIndex, 'Conversation');
		message = asObject(await inboxApiRequest.call(this, { method: 'POST', path: `/api/v1/conversations/${segment(conversationId)}/messages`, body, itemIndex }));
	}
	if (options.waitUntilSent === true) message = await waitUntilSettled.call(this, message, Number(options.waitTimeout ?? 60), itemIndex);
	return [{ json: message }];
}
