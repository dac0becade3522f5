import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

export { asObject, compact, toItems } from '../../shared/items';

/** A JSON parameter (an object in n8n's JSON editor, or its text), naming the item when it is not an object. */
export function readJsonObject(this: IExecuteFunctions, parameterName: string, itemIndex: number, label: string): IDataObject | undefined {
	return parseJsonObject.call(this, this.getNodeParameter(parameterName, itemIndex, '') as unknown, itemIndex, label);
}

/** A JSON object given as an object or as its text; empty is undefined. */
export function parseJsonObject(this: IExecuteFunctions, raw: unknown, itemIndex: number, label: string): IDataObject | undefined {
	if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return undefined;
	let value: unknown = raw;
	if (typeof raw === 'string') {
		try {
			value = JSON.parse(raw) as unknown;
		} catch {
			throw new NodeOperationError(this.getNode(), `${label} is not valid JSON`, {
				description: 'Write a JSON object, e.g. {"plan": "pro"}',
				itemIndex,
			});
		}
	}
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		throw new NodeOperationError(this.getNode(), `${label} must be a JSON object`, { description: 'e.g. {"plan": "pro"}', itemIndex });
	}
	return value as IDataObject;
}

/** A required id parameter (a resource locator or a plain string), naming the item when it is empty. */
export function readId(this: IExecuteFunctions, parameterName: string, itemIndex: number, label: string): string {
	const raw = this.getNodeParameter(parameterName, itemIndex, '', { extractValue: true }) as unknown;
	const value = String(raw ?? '').trim();
	if (value === '') {
		throw new NodeOperationError(this.getNode(), `${label} is empty`, { description: `Choose or enter the ${label.toLowerCase()}.`, itemIndex });
	}
	return value;
}

/** An id as a path segment. */
export function segment(value: string): string {
	return encodeURIComponent(value);
}
