import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { inboxApiRequest } from '../transport';

/** The server's page size ceiling for list routes. */
export const MAX_PAGE_SIZE = 100;

interface Page {
	data?: unknown;
	meta?: { nextCursor?: string | null };
}

/**
 * Follows the server's keyset pages (`meta.nextCursor`, sent back as `cursorParameter`) until `limit` rows are in, or
 * every row when `limit` is undefined (Return All).
 */
export async function listPages(
	this: IExecuteFunctions,
	options: {
		path: string;
		qs?: IDataObject;
		limit?: number;
		itemIndex: number;
		cursorParameter?: string;
		/** Pages whose rows run oldest to newest while the pages go back in time (a thread): each is reversed. */
		newestLastPages?: boolean;
	},
): Promise<IDataObject[]> {
	const rows: IDataObject[] = [];
	let cursor: string | undefined;
	for (;;) {
		const wanted = options.limit === undefined ? MAX_PAGE_SIZE : Math.min(MAX_PAGE_SIZE, options.limit - rows.length);
		const qs: IDataObject = { ...(options.qs ?? {}), limit: wanted };
		if (cursor) qs[options.cursorParameter ?? 'cursor'] = cursor;
		const page = (await inboxApiRequest.call(this, { method: 'GET', path: options.path, qs, itemIndex: options.itemIndex })) as Page;
		const data = Array.isArray(page?.data) ? (page.data as IDataObject[]) : [];
		rows.push(...(options.newestLastPages ? [...data].reverse() : data));
		cursor = page?.meta?.nextCursor ?? undefined;
		if (!cursor || data.length === 0) break;
		if (options.limit !== undefined && rows.length >= options.limit) break;
	}
	return options.limit === undefined ? rows : rows.slice(0, options.limit);
}
