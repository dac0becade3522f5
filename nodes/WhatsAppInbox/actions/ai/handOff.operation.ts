import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readId, toItems } from '../../helpers/items';
import { attendantLocator, conversationLocator } from '../common.descriptions';
import { assignConversation, assignmentNoteField } from '../conversation/assign.operation';
import { postAiState } from './shared';

const properties: INodeProperties[] = [
	conversationLocator(),
	attendantLocator({ description: 'The person who takes the conversation over from the AI' }),
	assignmentNoteField(
		'e.g. Wants to negotiate the price',
		'Why the AI handed it off, shown to the team with the assignment line (never sent to the contact)',
	),
];

export const description = updateDisplayOptions({ show: { resource: ['ai'], operation: ['handOff'] } }, properties);

/**
 * A hand-off decided in n8n (an n8n-built AI agent, a rule): the AI is paused first, so it does not answer in between,
 * then the conversation is assigned to the person with the note. The output is the conversation as the assignment
 * left it (`aiState: "paused"`, `assigneeId`).
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const conversationId = readId.call(this, 'conversationId', itemIndex, 'Conversation');
	const attendantId = readId.call(this, 'attendantId', itemIndex, 'Attendant');
	await postAiState.call(this, conversationId, 'paused', itemIndex);
	return toItems(await assignConversation.call(this, conversationId, attendantId, itemIndex));
}
