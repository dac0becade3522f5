import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readId, segment, toItems } from '../../helpers/items';
import { inboxApiRequest } from '../../transport';
import { attendantLocator, conversationLocator } from '../common.descriptions';

const properties: INodeProperties[] = [
	conversationLocator(),
	{
		displayName: 'Unassign',
		name: 'unassign',
		type: 'boolean',
		default: false,
		description: 'Whether to take the conversation away from its attendant (back to the unassigned queue) instead of assigning it',
	},
	attendantLocator({
		description: 'Who takes the conversation: assigns it, or transfers it from the current attendant',
		displayOptions: { show: { unassign: [false] } },
	}),
	{
		displayName: 'Note',
		name: 'note',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		placeholder: 'e.g. Customer asked about invoices',
		description: 'Shown to the team in the conversation with the assignment line (a transfer note)',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['conversation'], operation: ['assign'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const conversationId = readId.call(this, 'conversationId', itemIndex, 'Conversation');
	const unassign = this.getNodeParameter('unassign', itemIndex, false) as boolean;
	const body: IDataObject = { assigneeId: unassign ? null : readId.call(this, 'attendantId', itemIndex, 'Attendant') };
	const note = (this.getNodeParameter('note', itemIndex, '') as string).trim();
	if (note !== '') body.note = note;
	return toItems(
		await inboxApiRequest.call(this, { method: 'POST', path: `/api/v1/conversations/${segment(conversationId)}/assignment`, body, itemIndex }),
	);
}
