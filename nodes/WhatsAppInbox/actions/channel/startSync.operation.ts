import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { asObject, readId, segment } from '../../helpers/items';
import { inboxApiRequest } from '../../transport';
import { channelLocator } from '../common.descriptions';
import { waitForSync } from './syncWait';

const properties: INodeProperties[] = [
	channelLocator(),
	{
		displayName: 'Days',
		name: 'days',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 3650 },
		default: 30,
		description: 'How far back to import the chats\' messages (as history: not unread, no notifications, no lead attribution)',
	},
	{
		displayName: 'Wait Until Finished',
		name: 'waitUntilFinished',
		type: 'boolean',
		default: false,
		description: 'Whether to wait for the import to finish (or fail) instead of answering as soon as it is queued',
	},
	{
		displayName: 'Wait Timeout (Seconds)',
		name: 'waitTimeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 600,
		displayOptions: { show: { waitUntilFinished: [true] } },
		description: 'After this, the current progress is output with waitTimedOut true',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['channel'], operation: ['startSync'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const channelId = readId.call(this, 'channelId', itemIndex, 'Channel');
	const body: IDataObject = { days: this.getNodeParameter('days', itemIndex, 30) as number };
	let run = asObject(await inboxApiRequest.call(this, { method: 'POST', path: `/api/v1/channels/${segment(channelId)}/syncs`, body, itemIndex }));
	if (this.getNodeParameter('waitUntilFinished', itemIndex, false) === true) {
		run = await waitForSync.call(this, channelId, run, Number(this.getNodeParameter('waitTimeout', itemIndex, 600)), itemIndex);
	}
	return [{ json: run }];
}
