import type { IExecuteFunctions, INode, INodeExecutionData, INodeProperties, INodePropertyOptions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/** One operation: its fields and what it does for one input item (the router loops the items). */
export interface OperationModule {
	description: INodeProperties[];
	execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]>;
	/**
	 * A read that changes nothing on WhatsApp, so several items may be asked at once ("Parallel Requests", Evolution).
	 * Everything else (above all every send: parallel sends from one number get it banned) runs one item at a time.
	 */
	readOnly?: boolean;
	/** An operation that takes every item in one go (Send Many: one batch call); it sets each output's pairedItem. */
	executeAll?(this: IExecuteFunctions): Promise<INodeExecutionData[]>;
}

export type ResourceOperations = Record<string, OperationModule>;

/** The node's first field: which resource the operation belongs to. */
export function resourceProperty(options: INodePropertyOptions[], defaultResource: string): INodeProperties {
	return { displayName: 'Resource', name: 'resource', type: 'options', noDataExpression: true, options, default: defaultResource };
}

/** An n8n error that names the item, whatever was thrown. */
export function asItemError(node: INode, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
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

/** Resource and operation, read once per node run: they are not expressions (noDataExpression), so every item has the first's. */
const chosenPerRun = new WeakMap<object, { resource: string; operation: string }>();

function chosenNames(this: IExecuteFunctions): { resource: string; operation: string } {
	let chosen = chosenPerRun.get(this);
	if (!chosen) {
		chosen = { resource: this.getNodeParameter('resource', 0) as string, operation: this.getNodeParameter('operation', 0) as string };
		chosenPerRun.set(this, chosen);
	}
	return chosen;
}

/** The operation the node's first item chose (resource and operation are not expressions). */
export function chosenOperation(this: IExecuteFunctions, resources: Record<string, ResourceOperations>): OperationModule | undefined {
	const { resource, operation } = chosenNames.call(this);
	return resources[resource]?.[operation];
}

/** One item through its operation: output items linked to it, or (continue on fail) its error. */
export async function runItem(this: IExecuteFunctions, resources: Record<string, ResourceOperations>, itemIndex: number): Promise<INodeExecutionData[]> {
	const { resource, operation } = chosenNames.call(this);
	const handler = resources[resource]?.[operation];
	try {
		if (!handler) {
			throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`, { itemIndex });
		}
		const results = await handler.execute.call(this, itemIndex);
		return results.map((result) => ({ ...result, pairedItem: { item: itemIndex } }));
	} catch (error) {
		return failedItem.call(this, error, itemIndex);
	}
}

/** A failed item: thrown (naming the item), or with "continue on fail" its error as JSON, linked to it. */
export function failedItem(this: IExecuteFunctions, error: unknown, itemIndex: number): INodeExecutionData[] {
	const failure = asItemError(this.getNode(), error, itemIndex);
	if (!this.continueOnFail()) throw failure;
	return [{ json: errorJson(failure), pairedItem: { item: itemIndex } }];
}
