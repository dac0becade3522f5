import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { inboxApiRequest } from '../transport';

/** The workspace's active attendants, for the Owner fields inside collections (a list picker cannot nest there). */
export async function getAttendants(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const page = (await inboxApiRequest.call(this, { method: 'GET', path: '/api/v1/attendants' })) as { data?: IDataObject[] };
	return (page.data ?? [])
		.filter((attendant) => attendant.isActive !== false)
		.map((attendant) => ({ name: `${String(attendant.name)} (${String(attendant.email)})`, value: String(attendant.id) }))
		.sort((a, b) => a.name.localeCompare(b.name));
}

/** The workspace's channels, for channel filters inside collections. */
export async function getChannels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const page = (await inboxApiRequest.call(this, { method: 'GET', path: '/api/v1/channels' })) as { data?: IDataObject[] };
	return (page.data ?? [])
		.map((channel) => ({ name: `${String(channel.name)}${channel.phoneE164 ? ` (${String(channel.phoneE164)})` : ''}`, value: String(channel.id) }))
		.sort((a, b) => a.name.localeCompare(b.name));
}
