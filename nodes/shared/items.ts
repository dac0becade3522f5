import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

/** A server answers an object, an array (or a `{data: [...]}` page's data) or a bare value; make output items of it. */
export function toItems(data: unknown): INodeExecutionData[] {
	if (Array.isArray(data)) return data.map((entry) => ({ json: asObject(entry) }));
	return [{ json: asObject(data) }];
}

export function asObject(value: unknown): IDataObject {
	if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as IDataObject;
	if (value === undefined || value === '') return {};
	return { value: value as IDataObject[keyof IDataObject] };
}

/** Drops keys whose value is undefined or an empty string, so optional fields are not sent. */
export function compact<T extends IDataObject>(object: T): T {
	const result: IDataObject = {};
	for (const [key, value] of Object.entries(object)) {
		if (value !== undefined && value !== '') result[key] = value;
	}
	return result as T;
}
