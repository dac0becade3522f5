import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { toItems } from '../../helpers/items';
import { inboxApiRequest } from '../../transport';

const properties: INodeProperties[] = [];

export const description = updateDisplayOptions({ show: { resource: ['channel'], operation: ['getAll'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const page = (await inboxApiRequest.call(this, { method: 'GET', path: '/api/v1/channels', itemIndex })) as { data?: IDataObject[] };
	const channels = page.data ?? [];
	return channels.length === 0 ? [] : toItems(channels);
}
