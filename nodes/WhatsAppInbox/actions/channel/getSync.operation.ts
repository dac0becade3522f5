import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { asObject, readId, segment, toItems } from '../../helpers/items';
import { inboxApiRequest } from '../../transport';
import { channelLocator } from '../common.descriptions';
import { waitForSync } from './syncWait';

const properties: INodeProperties[] = [
	channelLocator(),
	{
		displayName: 'Sync Run ID',
		name: 'runId',
		type: 'string',
		default: '',
		placeholder: 'e.g. 3f2b8c1e-0d4a-4c2e-9b1a-7e5f6d4c3b2a',
		description: 'The run to follow (the ID in a Start History Sync output). Empty: every run of the channel, newest first.',
	},
	{
		displayName: 'Wait Until Finished',
		name: 'waitUntilFinished',
		type: 'boolean',
		default: false,
		description: 'Whether to wait for the run to finish (or fail) before answering',
		displayOptions: { hide: { runId: [''] } },
	},
	{
		displayName: 'Wait Timeout (Seconds)',
		name: 'waitTimeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 600,
		displayOptions: { show: { waitUntilFinished: [true] }, hide: { runId: [''] } },
	},
];

export const description = updateDisplayOptions({ show: { resource: ['channel'], operation: ['getSync'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const channelId = readId.call(this, 'channelId', itemIndex, 'Channel');
	const runId = (this.getNodeParameter('runId', itemIndex, '') as string).trim();
	const base = `/api/v1/channels/${segment(channelId)}/syncs`;
	if (runId === '') {
		const page = (await inboxApiRequest.call(this, { method: 'GET', path: base, itemIndex })) as { data?: IDataObject[] };
		return (page.data ?? []).length === 0 ? [] : toItems(page.data);
	}
	let run = asObject(await inboxApiRequest.call(this, { method: 'GET', path: `${base}/${segment(runId)}`, itemIndex }));
	if (this.getNodeParameter('waitUntilFinished', itemIndex, false) === true) {
		run = await waitForSync.call(this, channelId, run, Number(this.getNodeParameter('waitTimeout', itemIndex, 600)), itemIndex);
	}
	return [{ json: run }];
}
