import type { IDataObject } from 'n8n-workflow';

/** `{values:[{name,value}]}` from a fixedCollection → a plain header object (blank names dropped). */
export function headersFromCollection(collection: unknown): IDataObject | undefined {
	const values = ((collection as IDataObject | undefined)?.values ?? []) as IDataObject[];
	const headers: IDataObject = {};
	for (const entry of values) {
		const name = String(entry.name ?? '').trim();
		if (name !== '') headers[name] = String(entry.value ?? '');
	}
	return Object.keys(headers).length > 0 ? headers : undefined;
}

/**
 * The `webhook` object Evolution expects (on `/webhook/set` and `/instance/create`). `events` is
 * always an array: Evolution fails with "reading 'length'" when it is missing; empty means all events.
 */
export function buildWebhookConfig(options: {
	url: string;
	enabled?: boolean;
	events?: string[];
	byEvents?: boolean;
	base64?: boolean;
	headers?: IDataObject;
}): IDataObject {
	const webhook: IDataObject = {
		enabled: options.enabled ?? true,
		url: options.url,
		events: options.events ?? [],
	};
	if (options.byEvents !== undefined) webhook.byEvents = options.byEvents;
	if (options.base64 !== undefined) webhook.base64 = options.base64;
	if (options.headers !== undefined) webhook.headers = options.headers;
	return webhook;
}
