import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { inboxRequest } from './api';

/** The workspace's channels (WhatsApp numbers) for the "Channels" filter. */
export async function getInboxChannels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const answer = (await inboxRequest.call(this, 'GET', '/api/v1/channels')) as {
		data?: Array<{ id: string; name: string; phoneE164?: string | null; status?: string }>;
	};
	return (answer.data ?? []).map((channel) => ({
		name: channel.phoneE164 ? `${channel.name} (${channel.phoneE164})` : channel.name,
		value: channel.id,
		description: channel.status ? `Status: ${channel.status}` : undefined,
	}));
}
