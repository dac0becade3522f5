import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { extensionFor } from '../../helpers/binary';
import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { evolutionApiRequest } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 3A5F2C1B0D9E8F7A6B5C',
		description: 'ID of a received or sent media message (image, video, audio, document, sticker)',
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the output binary field to put the file in',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Convert Video to MP4',
				name: 'convertToMp4',
				type: 'boolean',
				default: false,
				description: 'Whether videos (and round video notes) are converted to MP4 by the server',
			},
		],
	},
];

/** Reads only: items may be asked in parallel (see OperationModule.readOnly). */
export const readOnly = true;

export const description = updateDisplayOptions(
	{ show: { resource: ['chat'], operation: ['downloadMedia'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const messageId = String(this.getNodeParameter('messageId', itemIndex)).trim();
	const binaryPropertyName = this.getNodeParameter('binaryPropertyName', itemIndex) as string;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;

	const response = (await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/chat/getBase64FromMediaMessage/${instancePath(instanceName)}`,
		body: { message: { key: { id: messageId } }, convertToMp4: options.convertToMp4 === true },
		instanceName,
		itemIndex,
	})) as IDataObject;

	const base64 = typeof response.base64 === 'string' ? response.base64.replace(/^data:[^,]*,/, '') : '';
	if (base64 === '') {
		throw new NodeOperationError(this.getNode(), `Message ${messageId} has no media to download`, {
			description: `The server answered without file content: ${JSON.stringify({ ...response, base64: undefined })}`,
			itemIndex,
		});
	}
	const mimeType = String(response.mimetype ?? 'application/octet-stream').split(';')[0].trim();
	const extension = extensionFor(mimeType);
	const fileName =
		typeof response.fileName === 'string' && response.fileName !== ''
			? response.fileName
			: `${messageId}${extension ? `.${extension}` : ''}`;

	const binary = await this.helpers.prepareBinaryData(Buffer.from(base64, 'base64'), fileName, mimeType);
	const json: IDataObject = { ...response, messageId, fileName, mimetype: response.mimetype ?? mimeType };
	delete json.base64;
	delete json.buffer;
	return [{ json, binary: { [binaryPropertyName]: binary } }];
}
