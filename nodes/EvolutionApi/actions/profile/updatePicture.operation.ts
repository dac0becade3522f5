import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { asObject } from '../../helpers/items';
import { evolutionApiRequest } from '../../transport';
import { mediaSourceFields, readMediaSource } from '../message/shared';

const properties: INodeProperties[] = [...mediaSourceFields('Picture')];

export const description = updateDisplayOptions({ show: { resource: ['profile'], operation: ['updatePicture'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const source = await readMediaSource.call(this, itemIndex, 'picture');
	const picture = source.kind === 'url' ? source.url : source.file.buffer.toString('base64');
	const response = await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/chat/updateProfilePicture/${instancePath(instanceName)}`,
		body: { picture },
		instanceName,
		itemIndex,
	});
	return [{ json: asObject(response) }];
}
