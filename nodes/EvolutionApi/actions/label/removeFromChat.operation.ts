import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { handleLabel, labelChatFields } from './shared';

export const description = updateDisplayOptions(
	{ show: { resource: ['label'], operation: ['removeFromChat'] } },
	labelChatFields,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	return await handleLabel.call(this, itemIndex, 'remove');
}
