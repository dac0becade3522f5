import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { evolutionApiRequest } from '../transport';

/** Instances for the "Instance" picker, with their connection state, filtered by name. */
export async function searchInstances(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const response = await evolutionApiRequest.call(this, { method: 'GET', path: '/instance/fetchInstances' });
	const rows = (Array.isArray(response) ? response : []) as IDataObject[];
	const needle = (filter ?? '').trim().toLowerCase();
	const results = rows
		.map((row) => ({
			name: String(row.name ?? (row.instance as IDataObject | undefined)?.instanceName ?? ''),
			status: String(row.connectionStatus ?? (row.instance as IDataObject | undefined)?.status ?? ''),
		}))
		.filter((row) => row.name !== '' && (needle === '' || row.name.toLowerCase().includes(needle)))
		.sort((a, b) => a.name.localeCompare(b.name))
		.map((row) => ({ name: row.status ? `${row.name} (${row.status})` : row.name, value: row.name }));
	return { results };
}
