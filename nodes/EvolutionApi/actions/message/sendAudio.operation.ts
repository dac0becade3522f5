import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { itemParameter } from '../../../shared/parameters';
import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { asObject, readAddress } from '../../helpers/items';
import { evolutionApiRequest } from '../../transport';
import { recipientField } from '../common.descriptions';
import { delayOption, mediaRequestBody, mediaSourceFields, readMediaSource } from './shared';

const properties: INodeProperties[] = [
	recipientField(),
	...mediaSourceFields('Audio'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{ ...delayOption, description: 'Show "recording audio…" for this many milliseconds before sending' },
			{
				displayName: 'Convert to Voice Note',
				name: 'encoding',
				type: 'boolean',
				default: true,
				description:
					'Whether Evolution converts the audio to OGG/Opus so it plays as a voice note. Turn off only for audio that is already OGG/Opus.',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['sendAudio'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const number = readAddress.call(this, 'number', itemIndex);
	const options = itemParameter.call(this, 'options', itemIndex, {}) as IDataObject;
	const source = await readMediaSource.call(this, itemIndex, 'audio');

	const typed: IDataObject = {};
	const delay = Number(options.delay ?? 0);
	if (delay > 0) typed.delay = Math.round(delay);
	if (options.encoding === false) typed.encoding = false;

	const body = mediaRequestBody(source, 'audio', { number }, typed);
	const response = await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/message/sendWhatsAppAudio/${instancePath(instanceName)}`,
		body,
		instanceName,
		itemIndex,
	});
	return [{ json: asObject(response) }];
}
