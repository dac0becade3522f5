import type { IExecuteFunctions, INode, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { mapInOrder } from '../helpers/concurrency';
import { operations as chat } from './chat/Chat.resource';
import { DEFAULT_PARALLEL_REQUESTS } from './common.descriptions';
import { operations as group } from './group/Group.resource';
import { operations as history } from './history/History.resource';
import { operations as instance } from './instance/Instance.resource';
import { operations as label } from './label/Label.resource';
import { operations as message } from './message/Message.resource';
import { operations as profile } from './profile/Profile.resource';
import { operations as settings } from './settings/Settings.resource';
import type { ResourceOperations } from './types';
import { operations as webhook } from './webhook/Webhook.resource';

const resources: Record<string, ResourceOperations> = {
	chat,
	group,
	history,
	instance,
	label,
	message,
	profile,
	settings,
	webhook,
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
			throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`, {
				itemIndex,
			});
		}
		const results = await handler.execute.call(this, itemIndex);
		return results.map((result) => ({ ...result, pairedItem: { item: itemIndex } }));
	} catch (error) {
		const failure = asItemError(this.getNode(), error, itemIndex);
		if (!this.continueOnFail()) throw failure;
		return [{ json: errorJson(failure), pairedItem: { item: itemIndex } }];
	}
}

/** How many items may run at once: "Parallel Requests" for a read operation, otherwise one. */
function itemsAtOnce(this: IExecuteFunctions, itemCount: number): number {
	if (itemCount < 2) return 1;
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	if (resources[resource]?.[operation]?.readOnly !== true) return 1;
	const chosen = Number(this.getNodeParameter('parallelRequests', 0, DEFAULT_PARALLEL_REQUESTS));
	return Number.isFinite(chosen) && chosen >= 1 ? Math.floor(chosen) : 1;
}

/**
 * Runs the chosen operation once per input item. Each output item points back to its input
 * (`pairedItem`) and the output keeps the input's order; with "continue on fail" a failed item carries
 * its error and the rest go on. Sends and other changes run one item at a time (one WhatsApp number
 * sending in parallel gets banned); reads may run a few items at once.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const perItem = await mapInOrder(items.length, itemsAtOnce.call(this, items.length), async (itemIndex) =>
		await runItem.call(this, itemIndex),
	);
	return [perItem.flat()];
}
