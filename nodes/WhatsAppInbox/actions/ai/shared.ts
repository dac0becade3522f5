import type { IExecuteFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readId, segment, toItems } from '../../helpers/items';
import { inboxApiRequest } from '../../transport';
import { conversationLocator } from '../common.descriptions';
import type { OperationModule } from '../types';

/** What an attendant may set on a conversation's AI (the server's POST /conversations/:id/ai). */
export type SettableAiState = 'active' | 'paused' | 'off';

export async function postAiState(this: IExecuteFunctions, conversationId: string, state: SettableAiState, itemIndex: number): Promise<unknown> {
	return await inboxApiRequest.call(this, { method: 'POST', path: `/api/v1/conversations/${segment(conversationId)}/ai`, body: { state }, itemIndex });
}

/**
 * Pause, Give Back and Turn Off differ only in the state they set: one conversation picker, and the output is the
 * conversation as the server left it (`aiState`, `aiStateReason`).
 */
export function setStateOperation(operation: string, state: SettableAiState): OperationModule {
	return {
		description: updateDisplayOptions({ show: { resource: ['ai'], operation: [operation] } }, [conversationLocator()]),
		async execute(this: IExecuteFunctions, itemIndex: number) {
			const conversationId = readId.call(this, 'conversationId', itemIndex, 'Conversation');
			return toItems(await postAiState.call(this, conversationId, state, itemIndex));
		},
	};
}
