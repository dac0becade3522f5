import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

/** One operation: its fields and what it does for one input item (the router loops the items). */
export interface OperationModule {
	description: INodeProperties[];
	execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]>;
	/** An operation that takes every item in one go (Send Many: one batch call); it sets each output's pairedItem. */
	executeAll?(this: IExecuteFunctions): Promise<INodeExecutionData[]>;
}

export type ResourceOperations = Record<string, OperationModule>;
