import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readId, segment, toItems } from '../../helpers/items';
import { inboxApiRequest } from '../../transport';
import { conversationLocator } from '../common.descriptions';

const properties: INodeProperties[] = [
	conversationLocator(),
	{
		displayName: 'Note',
		name: 'note',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		placeholder: 'e.g. Paid invoice #123 by PIX',
		description: 'Stored for the team in the conversation; never sent to the contact',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['conversation'], operation: ['addNote'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const conversationId = readId.call(this, 'conversationId', itemIndex, 'Conversation');
	const body = { body: readId.call(this, 'note', itemIndex, 'Note') };
	return toItems(await inboxApiRequest.call(this, { method: 'POST', path: `/api/v1/conversations/${segment(conversationId)}/notes`, body, itemIndex }));
}
