import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { asObject, compact, readId } from '../../helpers/items';
import { inboxApiRequest } from '../../transport';
import { qrItem } from './shared';

const properties: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. Sales',
		description: 'How the team sees the number',
	},
	{
		displayName: 'Instance Name',
		name: 'instanceName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. sales-sp',
		description: 'The Evolution instance the server creates for it (letters, digits, - and _)',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Pairing Phone Number',
				name: 'phoneNumber',
				type: 'string',
				default: '',
				placeholder: 'e.g. +55 11 98765-4321',
				description: 'Pair by an 8-character code typed on the phone instead of scanning the QR',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['channel'], operation: ['create'] } }, properties);

/**
 * Adds the number: the server creates the Evolution instance with its own webhook and starts pairing. The output has
 * the channel and its QR as a PNG binary (`qr`) to show or send to whoever scans it. The webhook secret of the answer
 * is left out: the server owns the webhook, and the secret must not sit in execution logs.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const body = compact({
		name: readId.call(this, 'name', itemIndex, 'Name'),
		instanceName: readId.call(this, 'instanceName', itemIndex, 'Instance Name'),
		phoneNumber: options.phoneNumber,
	});
	const answer = asObject(await inboxApiRequest.call(this, { method: 'POST', path: '/api/v1/channels', body, itemIndex }));
	const channel = asObject(answer.channel);
	if (body.phoneNumber) return [{ json: channel }];
	return [await qrItem.call(this, String(channel.id), channel, itemIndex, 15_000)];
}
