import type { IExecuteFunctions, INode, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { operations as chat } from './chat/Chat.resource';
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

/**
 * Runs the chosen operation once per input item. Each output item points back to its input
 * (`pairedItem`); with "continue on fail" a failed item carries its error and the rest go on.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const output: INodeExecutionData[] = [];

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
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
			for (const result of results) output.push({ ...result, pairedItem: { item: itemIndex } });
		} catch (error) {
			const failure = asItemError(this.getNode(), error, itemIndex);
			if (!this.continueOnFail()) throw failure;
			output.push({ json: errorJson(failure), pairedItem: { item: itemIndex } });
		}
	}
	return [output];
}
