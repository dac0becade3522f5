import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { evolutionApiRequest } from '../transport';
import { instancePath } from './instance';

export interface MessagePage {
	total: number;
	pages: number;
	currentPage: number;
	records: IDataObject[];
}

/** One page of `/chat/findMessages` (newest first). */
export async function fetchMessagePage(
	this: IExecuteFunctions,
	instanceName: string,
	where: IDataObject,
	page: number,
	pageSize: number,
	itemIndex: number,
): Promise<MessagePage> {
	const response = (await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/chat/findMessages/${instancePath(instanceName)}`,
		body: { where, page, offset: pageSize },
		instanceName,
		itemIndex,
	})) as IDataObject;
	const messages = (response?.messages ?? {}) as IDataObject;
	return {
		total: Number(messages.total ?? 0),
		pages: Number(messages.pages ?? 0),
		currentPage: Number(messages.currentPage ?? page),
		records: (Array.isArray(messages.records) ? messages.records : []) as IDataObject[],
	};
}

/**
 * Walks the pages until `limit` records are collected or the last page is reached. Records are
 * de-duplicated on `key.id`, because new messages arriving meanwhile shift the pages.
 */
export async function collectMessages(
	this: IExecuteFunctions,
	instanceName: string,
	where: IDataObject,
	options: { limit?: number; pageSize: number; itemIndex: number },
): Promise<IDataObject[]> {
	const seen = new Set<string>();
	const records: IDataObject[] = [];
	for (let page = 1; ; page++) {
		const result = await fetchMessagePage.call(this, instanceName, where, page, options.pageSize, options.itemIndex);
		for (const record of result.records) {
			const id = String((record.key as IDataObject | undefined)?.id ?? record.id ?? '');
			if (id !== '' && seen.has(id)) continue;
			if (id !== '') seen.add(id);
			records.push(record);
			if (options.limit !== undefined && records.length >= options.limit) return records;
		}
		if (result.records.length === 0 || result.currentPage >= result.pages) return records;
	}
}
