import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { asObject } from '../../helpers/items';
import { evolutionApiRequest } from '../../transport';

const properties: INodeProperties[] = [
	{ displayName: 'Reject Calls', name: 'rejectCall', type: 'boolean', default: false, description: 'Whether incoming calls are rejected' },
	{
		displayName: 'Call Rejection Message',
		name: 'msgCall',
		type: 'string',
		default: '',
		placeholder: 'e.g. We cannot take calls, please write',
		description: 'Message sent to a caller when calls are rejected',
		displayOptions: { show: { rejectCall: [true] } },
	},
	{ displayName: 'Ignore Groups', name: 'groupsIgnore', type: 'boolean', default: false, description: 'Whether group messages are ignored' },
	{ displayName: 'Always Online', name: 'alwaysOnline', type: 'boolean', default: false, description: 'Whether the account always shows as online' },
	{ displayName: 'Read Messages', name: 'readMessages', type: 'boolean', default: false, description: 'Whether incoming messages are marked as read automatically' },
	{ displayName: 'Read Status', name: 'readStatus', type: 'boolean', default: false, description: 'Whether status updates are marked as seen automatically' },
	{ displayName: 'Sync Full History', name: 'syncFullHistory', type: 'boolean', default: false, description: 'Whether the whole chat history is imported when the phone connects' },
];

export const description = updateDisplayOptions({ show: { resource: ['settings'], operation: ['set'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const flag = (name: string) => this.getNodeParameter(name, itemIndex) as boolean;
	// Evolution requires all six switches on every call.
	const body: IDataObject = {
		rejectCall: flag('rejectCall'),
		groupsIgnore: flag('groupsIgnore'),
		alwaysOnline: flag('alwaysOnline'),
		readMessages: flag('readMessages'),
		readStatus: flag('readStatus'),
		syncFullHistory: flag('syncFullHistory'),
	};
	if (body.rejectCall) body.msgCall = this.getNodeParameter('msgCall', itemIndex, '') as string;
	const response = await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/settings/set/${instancePath(instanceName)}`,
		body,
		instanceName,
		itemIndex,
	});
	return [{ json: asObject(response) }];
}
