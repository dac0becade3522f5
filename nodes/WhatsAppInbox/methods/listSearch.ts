import type { IDataObject, ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { inboxApiRequest } from '../transport';

interface Page {
	data?: IDataObject[];
	meta?: { nextCursor?: string | null };
}

function matches(filter: string | undefined, ...texts: unknown[]): boolean {
	if (!filter) return true;
	const needle = filter.toLowerCase();
	return texts.some((text) => typeof text === 'string' && text.toLowerCase().includes(needle));
}

/** The workspace's channels (WhatsApp numbers), with their state in the name. */
export async function searchChannels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const page = (await inboxApiRequest.call(this, { method: 'GET', path: '/api/v1/channels' })) as Page;
	const results: INodeListSearchItems[] = (page.data ?? [])
		.filter((channel) => matches(filter, channel.name, channel.instanceName, channel.phoneE164))
		.map((channel) => ({
			name: `${String(channel.name)}${channel.phoneE164 ? ` (${String(channel.phoneE164)})` : ''} · ${String(channel.status)}`,
			value: String(channel.id),
		}));
	return { results };
}

/** The workspace's active attendants. */
export async function searchAttendants(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const page = (await inboxApiRequest.call(this, { method: 'GET', path: '/api/v1/attendants' })) as Page;
	const results: INodeListSearchItems[] = (page.data ?? [])
		.filter((attendant) => attendant.isActive !== false && matches(filter, attendant.name, attendant.email))
		.map((attendant) => ({ name: `${String(attendant.name)} (${String(attendant.email)})`, value: String(attendant.id) }));
	return { results };
}

/** Conversations of every status, newest first, searched by the server (name, phone, last message); pages on scroll. */
export async function searchConversations(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const qs: IDataObject = { status: 'all', assignee: 'all', limit: 50 };
	if (filter) qs.q = filter;
	if (paginationToken) qs.cursor = paginationToken;
	const page = (await inboxApiRequest.call(this, { method: 'GET', path: '/api/v1/conversations', qs })) as Page;
	const results: INodeListSearchItems[] = (page.data ?? []).map((conversation) => {
		const contact = (conversation.contact ?? {}) as IDataObject;
		const who = String(contact.name ?? contact.pushName ?? contact.phoneE164 ?? conversation.id);
		const phone = contact.phoneE164 && contact.phoneE164 !== who ? ` (${String(contact.phoneE164)})` : '';
		return { name: `${who}${phone} · ${String(conversation.status)}`, value: String(conversation.id) };
	});
	return { results, paginationToken: page.meta?.nextCursor ?? undefined };
}
