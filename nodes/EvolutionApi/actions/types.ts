import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

/** One operation: its fields and what it does for one input item (the router loops the items). */
export interface OperationModule {
	description: INodeProperties[];
	execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]>;
	/**
	 * A read that changes nothing on WhatsApp, so several items may be asked at once ("Parallel Requests").
	 * Everything else (above all every send: parallel sends from one number get it banned) runs one item at a time.
	 */
	readOnly?: boolean;
}

export type ResourceOperations = Record<string, OperationModule>;
