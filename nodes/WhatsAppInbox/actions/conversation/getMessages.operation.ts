import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readId, segment, toItems } from '../../helpers/items';
import { listPages } from '../../helpers/pagination';
import { conversationLocator, returnAllOrLimitFields } from '../common.descriptions';

const properties: INodeProperties[] = [conversationLocator(), ...returnAllOrLimitFields];

export const description = updateDisplayOptions({ show: { resource: ['conversation'], operation: ['getMessages'] } }, properties);

/** Newest first: the latest `limit` messages, or (Return All) the whole thread going back page by page. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const conversationId = readId.call(this, 'conversationId', itemIndex, 'Conversation');
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number);
	// Each page of the thread is oldest-to-newest and pages go backwards in time: reverse each so the whole is newest first.
	const rows = await listPages.call(this, {
		path: `/api/v1/conversations/${segment(conversationId)}/messages`,
		limit,
		itemIndex,
		cursorParameter: 'before',
		newestLastPages: true,
	});
	return rows.length === 0 ? [] : toItems(rows);
}
