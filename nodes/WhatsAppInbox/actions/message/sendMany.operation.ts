import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { asObject, parseJsonObject, readId } from '../../helpers/items';
import { inboxApiRequest } from '../../transport';
import { channelLocator } from '../common.descriptions';
import { buildMessageBody, messageContentFields } from './shared';

/** The batch route's ceiling per call. */
const BATCH_SIZE = 1000;

const properties: INodeProperties[] = [
	channelLocator({ description: 'The WhatsApp number the campaign goes out from' }),
	{
		displayName: 'Phone Number',
		name: 'to',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. {{ $json.phone }}',
		description: 'Each item\'s number, with its country code, in any format (map it with an expression)',
	},
	...messageContentFields('sendMany'),
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
				placeholder: 'e.g. blackfriday-{{ $json.phone }}',
				description: 'Idempotency key per item: running the campaign again does not send twice to the same key',
			},
			{
				displayName: 'Show Typing',
				name: 'typing',
				type: 'boolean',
				default: true,
				description: 'Whether to show "typing…" for a moment before each message',
			},
			{
				displayName: 'Variables (JSON)',
				name: 'variables',
				type: 'json',
				default: '{}',
				description: 'Extra {{placeholders}} for the text, per item, e.g. {"coupon": "BF10"} fills {{coupon}}',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['message'], operation: ['sendMany'] } }, properties);

/** Not used: Send Many takes every item in one go (executeAll). */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	throw new NodeOperationError(this.getNode(), 'Send Many runs over all items at once');
}

interface Prepared {
	itemIndex: number;
	channelId: string;
	message: IDataObject;
}

/**
 * A campaign: every item becomes one message of the batch route (`POST /api/v1/messages/batch`, up to 1,000 a call,
 * grouped by channel), which queues them at once and lets the server pace them (per-minute and daily caps, warm-up,
 * send window) and refuse opted-out contacts. One output item per input item: the queued message, or its refusal
 * (`error`, with `status: "rejected"`), so a workflow can count sent / failed / opted out.
 */
export async function executeAll(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const output: Array<INodeExecutionData | undefined> = new Array(items.length);
	const prepared: Prepared[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
			const message: IDataObject = { ...(await buildMessageBody.call(this, itemIndex)), to: readId.call(this, 'to', itemIndex, 'Phone Number') };
			if (options.clientId) message.clientId = String(options.clientId);
			if (options.typing !== undefined) message.typing = options.typing === true;
			const variables = parseJsonObject.call(this, options.variables, itemIndex, 'Variables');
			if (variables && Object.keys(variables).length > 0) {
				message.variables = Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
			}
			prepared.push({ itemIndex, channelId: readId.call(this, 'channelId', itemIndex, 'Channel'), message });
		} catch (error) {
			if (!this.continueOnFail()) throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
			output[itemIndex] = { json: { error: (error as Error).message, status: 'rejected' }, pairedItem: { item: itemIndex } };
		}
	}

	const byChannel = new Map<string, Prepared[]>();
	for (const entry of prepared) byChannel.set(entry.channelId, [...(byChannel.get(entry.channelId) ?? []), entry]);
	for (const [channelId, entries] of byChannel) {
		for (let start = 0; start < entries.length; start += BATCH_SIZE) {
			const chunk = entries.slice(start, start + BATCH_SIZE);
			const answer = asObject(
				await inboxApiRequest.call(this, {
					method: 'POST',
					path: '/api/v1/messages/batch',
					body: { channelId, messages: chunk.map((entry) => entry.message) },
					itemIndex: chunk[0].itemIndex,
				}),
			);
			const results = Array.isArray(answer.data) ? (answer.data as IDataObject[]) : [];
			for (const result of results) {
				const entry = chunk[Number(result.index)];
				if (!entry) continue;
				const { index, error, ...rest } = result;
				void index;
				const json: IDataObject = { to: entry.message.to, channelId, ...rest };
				if (error) {
					const reason = asObject(error);
					json.status = 'rejected';
					json.error = String(reason.message ?? 'refused');
					json.errorCode = String(reason.code ?? '');
				}
				output[entry.itemIndex] = { json, pairedItem: { item: entry.itemIndex } };
			}
		}
	}
	return output.filter((item): item is INodeExecutionData => item !== undefined);
}
