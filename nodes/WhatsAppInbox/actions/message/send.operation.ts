import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { buildMessageBody, messageContentFields, messageTargetFields, sendToTarget, waitUntilSettled } from './shared';

const properties: INodeProperties[] = [
	...messageTargetFields,
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

	let message = await sendToTarget.call(this, body, itemIndex);
	if (options.waitUntilSent === true) message = await waitUntilSettled.call(this, message, Number(options.waitTimeout ?? 60), itemIndex);
	return [{ json: message }];
}
