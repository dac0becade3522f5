import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readId, segment, toItems } from '../../helpers/items';
import { inboxApiRequest } from '../../transport';
import { conversationLocator } from '../common.descriptions';

export const description = updateDisplayOptions({ show: { resource: ['ai'], operation: ['get'] } }, [conversationLocator()]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const conversationId = readId.call(this, 'conversationId', itemIndex, 'Conversation');
	const state = await inboxApiRequest.call(this, { method: 'GET', path: `/api/v1/conversations/${segment(conversationId)}/ai`, itemIndex });
	return toItems({ conversationId, ...(state as object) });
}
