import type { IExecuteFunctions, INode, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

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

/** An n8n error that names the item, whatever was thrown. */
function asItemError(node: INode, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(node, error as Error, { itemIndex });
}

/** The error as JSON on the failed item, for "continue on fail". */
function errorJson(error: NodeApiError | NodeOperationError): JsonObject {
	const json: JsonObject = { error: error.message };
	if (error.description) json.description = error.description;
	if (error instanceof NodeApiError && error.httpCode) json.httpCode = error.httpCode;
	return json;
}

/** One item through its operation: output items linked to it, or (continue on fail) its error. */
async function runItem(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const resource = this.getNodeParameter('resource', itemIndex) as string;
	const operation = this.getNodeParameter('operation', itemIndex) as string;
	const handler = resources[resource]?.[operation];
	try {
		if (!handler) {
			throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`, { itemIndex });
		}
		const results = await handler.execute.call(this, itemIndex);
		return results.map((result) => ({ ...result, pairedItem: { item: itemIndex } }));
	} catch (error) {
		const failure = asItemError(this.getNode(), error, itemIndex);
		if (!this.continueOnFail()) throw failure;
		return [{ json: errorJson(failure), pairedItem: { item: itemIndex } }];
	}
}

/**
 * Runs the chosen operation once per input item, one item at a time (sends keep their order; the server paces
 * proactive sends itself). Each output item points back to its input (`pairedItem`); with "continue on fail" a
 * failed item carries its error and the rest go on. Operations that take every item at once (Send Many) are
 * handled by `runBatch` instead.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const all = resources[resource]?.[operation]?.executeAll;
	if (all && items.length > 0) {
		try {
			return [await all.call(this)];
		} catch (error) {
			const itemIndex = (error as { context?: { itemIndex?: number } }).context?.itemIndex ?? 0;
			throw asItemError(this.getNode(), error, itemIndex);
		}
	}
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) output.push(...(await runItem.call(this, itemIndex)));
	return [output];
}
