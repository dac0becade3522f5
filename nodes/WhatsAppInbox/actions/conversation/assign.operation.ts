import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readId, segment, toItems } from '../../helpers/items';
import { inboxApiRequest } from '../../transport';
import { attendantLocator, conversationLocator } from '../common.descriptions';

/** The note the team sees with the assignment line (Assign, and the AI's Hand Off). */
export function assignmentNoteField(placeholder: string, description: string): INodeProperties {
	return { displayName: 'Note', name: 'note', type: 'string', typeOptions: { rows: 2 }, default: '', placeholder, description };
}

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
	assignmentNoteField('e.g. Customer asked about invoices', 'Shown to the team in the conversation with the assignment line (a transfer note)'),
];

export const description = updateDisplayOptions({ show: { resource: ['conversation'], operation: ['assign'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const conversationId = readId.call(this, 'conversationId', itemIndex, 'Conversation');
	const unassign = this.getNodeParameter('unassign', itemIndex, false) as boolean;
	return toItems(await assignConversation.call(this, conversationId, unassign ? null : readId.call(this, 'attendantId', itemIndex, 'Attendant'), itemIndex));
}

/** Assigns (or with null unassigns) the conversation, with the item's Note when there is one; answers the conversation. */
export async function assignConversation(this: IExecuteFunctions, conversationId: string, assigneeId: string | null, itemIndex: number): Promise<unknown> {
	const body: IDataObject = { assigneeId };
	const note = (this.getNodeParameter('note', itemIndex, '') as string).trim();
	if (note !== '') body.note = note;
	return await inboxApiRequest.call(this, { method: 'POST', path: `/api/v1/conversations/${segment(conversationId)}/assignment`, body, itemIndex });
}
