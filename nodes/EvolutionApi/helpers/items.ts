import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { normalizeWhatsAppAddress } from './phone';

/** Evolution answers with an object, an array or (rarely) a bare value; make output items of it. */
export function toItems(data: unknown): INodeExecutionData[] {
	if (Array.isArray(data)) return data.map((entry) => ({ json: asObject(entry) }));
	return [{ json: asObject(data) }];
}

export function asObject(value: unknown): IDataObject {
	if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as IDataObject;
	if (value === undefined || value === '') return {};
	return { value: value as IDataObject[keyof IDataObject] };
}

/** Reads a phone/JID parameter and normalises it, naming the item when it is unusable. */
export function readAddress(
	this: IExecuteFunctions,
	parameterName: string,
	itemIndex: number,
): string {
	const raw = String(this.getNodeParameter(parameterName, itemIndex, '') ?? '');
	const address = normalizeWhatsAppAddress(raw);
	if (address === undefined) {
		throw new NodeOperationError(this.getNode(), `"${raw}" is not a phone number or WhatsApp ID`, {
			description: 'Use the number with country code, e.g. +55 11 98765-4321, or a JID such as 120363000000000000@g.us',
			itemIndex,
		});
	}
	return address;
}

/** Drops keys whose value is undefined or an empty string, so optional fields are not sent. */
export function compact<T extends IDataObject>(object: T): T {
	const result: IDataObject = {};
	for (const [key, value] of Object.entries(object)) {
		if (value !== undefined && value !== '') result[key] = value;
	}
	return result as T;
}
