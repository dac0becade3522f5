import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { itemParameter } from '../../../shared/parameters';
import { mediaTypeForMime } from '../../helpers/binary';
import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { asObject, readAddress } from '../../helpers/items';
import { evolutionApiRequest } from '../../transport';
import { recipientField } from '../common.descriptions';
import {
	delayOption,
	mediaRequestBody,
	mediaSourceFields,
	mentionOptions,
	readMediaSource,
	replyOptions,
	sendOptionsBody,
} from './shared';

const properties: INodeProperties[] = [
	recipientField(),
	{
		displayName: 'Media Type',
		name: 'mediaType',
		type: 'options',
		options: [
			{ name: 'Automatic (From MIME Type)', value: 'auto' },
			{ name: 'Document', value: 'document' },
			{ name: 'Image', value: 'image' },
			{ name: 'Video', value: 'video' },
		],
		default: 'auto',
		description: 'How WhatsApp shows the file. Automatic picks image or video from the file, otherwise document.',
	},
	...mediaSourceFields('File'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Caption',
				name: 'caption',
				type: 'string',
				typeOptions: { rows: 2 },
				default: '',
			},
			delayOption,
			{
				displayName: 'File Name',
				name: 'fileName',
				type: 'string',
				default: '',
				placeholder: 'e.g. invoice.pdf',
				description: 'Name shown for documents. Defaults to the binary file name.',
			},
			{
				displayName: 'MIME Type',
				name: 'mimetype',
				type: 'string',
				default: '',
				placeholder: 'e.g. application/pdf',
				description: 'Defaults to the MIME type of the binary file',
			},
			...mentionOptions,
			...replyOptions,
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['sendMedia'] } },
	properties,
);

function guessFromUrl(url: string): string {
	const path = url.split('?')[0].toLowerCase();
	if (/\.(jpe?g|png|webp|gif)$/.test(path)) return 'image';
	if (/\.(mp4|3gp|mov)$/.test(path)) return 'video';
	return 'document';
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const number = readAddress.call(this, 'number', itemIndex);
	const options = itemParameter.call(this, 'options', itemIndex, {}) as IDataObject;
	const source = await readMediaSource.call(this, itemIndex, 'file');

	let mediatype = this.getNodeParameter('mediaType', itemIndex) as string;
	if (mediatype === 'auto') {
		const guessed = source.kind === 'binary' ? mediaTypeForMime(source.file.mimeType) : guessFromUrl(source.url);
		mediatype = guessed === 'audio' ? 'document' : guessed;
	}
	const mimetype = String(options.mimetype ?? '') || (source.kind === 'binary' ? source.file.mimeType : undefined);
	const fileName = String(options.fileName ?? '') || (source.kind === 'binary' ? source.file.fileName : undefined);

	const body = mediaRequestBody(
		source,
		'media',
		{
			number,
			mediatype,
			mimetype,
			fileName,
			caption: (options.caption as string | undefined) || undefined,
		},
		sendOptionsBody(options),
	);
	const response = await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/message/sendMedia/${instancePath(instanceName)}`,
		body,
		instanceName,
		itemIndex,
	});
	return [{ json: asObject(response) }];
}
