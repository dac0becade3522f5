import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { BinaryFile } from '../../helpers/binary';
import { readBinaryFile, requireUrl } from '../../helpers/binary';
import { splitAddressList, normalizeWhatsAppAddress } from '../../helpers/phone';
import { binaryPropertyField } from '../common.descriptions';

/** Where a file to send comes from: an input binary field (uploaded as multipart) or a URL. */
export function mediaSourceFields(label: string): INodeProperties[] {
	return [
		{
			displayName: `${label} Source`,
			name: 'source',
			type: 'options',
			options: [
				{ name: 'Binary File', value: 'binary', description: 'A file from an earlier node' },
				{ name: 'URL', value: 'url', description: 'A public http(s) address Evolution downloads' },
			],
			default: 'binary',
		},
		{ ...binaryPropertyField, displayOptions: { show: { source: ['binary'] } } },
		{
			displayName: 'File URL',
			name: 'url',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. https://example.com/file.jpg',
			displayOptions: { show: { source: ['url'] } },
		},
	];
}

export type MediaSource = { kind: 'binary'; file: BinaryFile } | { kind: 'url'; url: string };

export async function readMediaSource(
	this: IExecuteFunctions,
	itemIndex: number,
	fallbackName: string,
): Promise<MediaSource> {
	const source = this.getNodeParameter('source', itemIndex) as string;
	if (source === 'url') {
		return { kind: 'url', url: requireUrl.call(this, this.getNodeParameter('url', itemIndex) as string, itemIndex) };
	}
	const propertyName = this.getNodeParameter('binaryPropertyName', itemIndex) as string;
	return { kind: 'binary', file: await readBinaryFile.call(this, itemIndex, propertyName, fallbackName) };
}

export const delayOption: INodeProperties = {
	displayName: 'Typing Delay (Ms)',
	name: 'delay',
	type: 'number',
	typeOptions: { minValue: 0 },
	default: 0,
	description:
		'Show "typing…" (or "recording…") for this many milliseconds before sending. The call waits that long.',
};

export const replyOptions: INodeProperties[] = [
	{
		displayName: 'Reply To Message ID',
		name: 'replyTo',
		type: 'string',
		default: '',
		placeholder: 'e.g. 3EB0C431D7A2F1E5B6A9C8',
		description: 'ID of the message to quote. Evolution looks the message up in its store.',
	},
	{
		displayName: 'Reply To Text',
		name: 'replyToText',
		type: 'string',
		default: '',
		description:
			'Text of the quoted message, so the quote shows even when Evolution does not have the message stored',
	},
];

export const mentionOptions: INodeProperties[] = [
	{
		displayName: 'Mention Everyone',
		name: 'mentionsEveryOne',
		type: 'boolean',
		default: false,
		description: 'Whether to mention every group member (groups only)',
	},
	{
		displayName: 'Mentions',
		name: 'mentioned',
		type: 'string',
		default: '',
		placeholder: 'e.g. 5511987654321, 5511912345678',
		description: 'Numbers to mention, separated by commas (groups only)',
	},
];

/** The common send options (`delay`, `quoted`, `mentioned`, …) as Evolution names them. */
export function sendOptionsBody(options: IDataObject): IDataObject {
	const body: IDataObject = {};
	const delay = Number(options.delay ?? 0);
	if (delay > 0) body.delay = Math.round(delay);
	const replyTo = String(options.replyTo ?? '').trim();
	if (replyTo !== '') {
		const quoted: IDataObject = { key: { id: replyTo } };
		const text = String(options.replyToText ?? '').trim();
		if (text !== '') quoted.message = { conversation: text };
		body.quoted = quoted;
	}
	if (options.mentionsEveryOne === true) body.mentionsEveryOne = true;
	const mentioned = splitAddressList(String(options.mentioned ?? ''))
		.map((entry) => normalizeWhatsAppAddress(entry))
		.filter((entry): entry is string => entry !== undefined);
	if (mentioned.length > 0) body.mentioned = mentioned;
	return body;
}

/** Whether options need typed JSON fields, which a multipart form (strings only) cannot carry. */
export function needsJsonBody(optionsBody: IDataObject): boolean {
	return Object.keys(optionsBody).length > 0;
}

/**
 * Posts a file to one of Evolution's media routes. A binary file goes up as multipart (`file` part)
 * unless typed options (delay, reply, mentions) are set: those need JSON, so the file then travels
 * as base64 in `mediaField`. A URL always goes as JSON.
 */
export function mediaRequestBody(
	source: MediaSource,
	mediaField: string,
	fields: Record<string, string | undefined>,
	optionsBody: IDataObject,
): IDataObject | FormData {
	if (source.kind === 'url') {
		return { ...definedFields(fields), [mediaField]: source.url, ...optionsBody };
	}
	if (needsJsonBody(optionsBody)) {
		return {
			...definedFields(fields),
			[mediaField]: source.file.buffer.toString('base64'),
			...optionsBody,
		};
	}
	const form = new FormData();
	for (const [key, value] of Object.entries(definedFields(fields))) form.append(key, String(value));
	form.append('file', new Blob([source.file.buffer], { type: source.file.mimeType }), source.file.fileName);
	return form;
}

function definedFields(fields: Record<string, string | undefined>): IDataObject {
	const result: IDataObject = {};
	for (const [key, value] of Object.entries(fields)) {
		if (value !== undefined && value !== '') result[key] = value;
	}
	return result;
}

/** The fields that identify an existing message: its chat, its ID and who sent it. */
export function messageKeyFields(fromMeDefault: boolean): INodeProperties[] {
	const fromMe: INodeProperties = {
		displayName: 'Sent by Me',
		name: 'fromMe',
		type: 'boolean',
		default: false,
		description: 'Whether the message was sent by this instance (the key.fromMe of the message)',
	};
	return [
		recipientFieldForKey,
		{
			displayName: 'Message ID',
			name: 'messageId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. 3EB0C431D7A2F1E5B6A9C8',
			description: 'ID of the message (its key)',
		},
		fromMeDefault ? { ...fromMe, default: true } : fromMe,
	];
}

const recipientFieldForKey: INodeProperties = {
	displayName: 'Chat',
	name: 'number',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 5511987654321',
	description: 'Phone number or JID of the chat the message is in',
};
