import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { asItemError, chosenOperation, runItem } from '../../shared/router';
import { operations as ai } from './ai/Ai.resource';
import { operations as channel } from './channel/Channel.resource';
import { operations as contact } from './contact/Contact.resource';
import { operations as conversation } from './conversation/Conversation.resource';
import { operations as lead } from './lead/Lead.resource';
import { operations as message } from './message/Message.resource';
import type { ResourceOperations } from './types';

const resources: Record<string, ResourceOperations> = {
	ai,
	channel,
	contact,
	conversation,
	lead,
	message,
};

/**
 * Runs the chosen operation once per input item, one item at a time (sends keep their order; the server paces
 * proactive sends itself). Each output item points back to its input (`pairedItem`); with "continue on fail" a
 * failed item carries its error and the rest go on. Operations that take every item at once (Send Many) are
 * handled by `runBatch` instead.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const all = chosenOperation.call(this, resources)?.executeAll;
	if (all && items.length > 0) {
		try {
			return [await all.call(this)];
		} catch (error) {
			const itemIndex = (error as { context?: { itemIndex?: number } }).context?.itemIndex ?? 0;
			throw asItemError(this.getNode(), error, itemIndex);
		}
	}
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) output.push(...(await runItem.call(this, resources, itemIndex)));
	return [output];
}
