import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { asObject } from '../../helpers/items';
import { evolutionApiRequest } from '../../transport';
import { mediaSourceFields, readMediaSource } from '../message/shared';
import { groupJidField, readGroupJid } from './shared';

const properties: INodeProperties[] = [groupJidField, ...mediaSourceFields('Picture')];

export const description = updateDisplayOptions(
	{ show: { resource: ['group'], operation: ['updatePicture'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const groupJid = readGroupJid.call(this, itemIndex);
	const source = await readMediaSource.call(this, itemIndex, 'picture');
	// This route takes JSON only: a URL or the bytes as base64.
	const image = source.kind === 'url' ? source.url : source.file.buffer.toString('base64');
	const response = await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/group/updateGroupPicture/${instancePath(instanceName)}`,
		qs: { groupJid },
		body: { image },
		instanceName,
		itemIndex,
	});
	return [{ json: { groupJid, ...asObject(response) } }];
}
