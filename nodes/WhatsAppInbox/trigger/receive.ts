import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { memoryFor, rememberDelivery, type RecentKeys } from '../../EvolutionApi/trigger/dedupe';
import { chatAllowed } from '../../EvolutionApi/trigger/receive';
import { MESSAGE_EVENTS } from './events';
import { downloadMessageMedia } from './media';
import type { InboxTriggerStaticData } from './registration';
import { checkSignature } from './signature';

/** Answers 200 without starting an execution. */
function acknowledge(reason: string): IWebhookResponseData {
	return { webhookResponse: { received: true, ignored: reason } };
}

interface Chat {
	jid?: string;
	isGroup?: boolean;
	phone?: string | null;
}

/** Why an event is left out by the node's filters, if it is. */
export function filteredOut(event: IDataObject, options: IDataObject): string | undefined {
	const chat = (event.chat ?? {}) as Chat;
	const data = (event.data ?? {}) as IDataObject;
	const channels = Array.isArray(options.channelIds) ? (options.channelIds as string[]).filter((id) => id !== '') : [];
	if (channels.length > 0 && !channels.includes(String(event.channelId ?? ''))) return 'channel';
	const direction = typeof options.direction === 'string' ? options.direction : 'any';
	if (direction !== 'any' && MESSAGE_EVENTS.has(String(event.type))) {
		const message = (data.message ?? {}) as IDataObject;
		if (message.direction !== direction) return 'direction';
	}
	if (options.ignoreGroups === true && (chat.isGroup === true || chat.jid?.endsWith('@g.us') === true)) return 'group';
	const onlyChats = typeof options.onlyChats === 'string' ? options.onlyChats : '';
	if (onlyChats.trim() !== '') {
		const phone = typeof chat.phone === 'string' ? chat.phone.replace(/\D/g, '') : undefined;
		if (!chatAllowed(onlyChats, { chatId: chat.jid, phone })) return 'chat';
	}
	return undefined;
}

/** The item a delivery becomes: the event's fields, with what it is about (message, lead…) at the top level. */
function itemOf(event: IDataObject): IDataObject {
	const { data, ...envelope } = event;
	return { event: envelope.type, eventId: envelope.id, ...envelope, ...((data ?? {}) as IDataObject) };
}

/** The webhook handler: verify the signature and its age, de-duplicate on the event id, filter, then emit one item. */
export async function receiveEvent(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const staticData = this.getWorkflowStaticData('node') as InboxTriggerStaticData;
	const secrets = Object.values(staticData.subscriptions ?? {}).map((subscription) => subscription.secret);
	const request = this.getRequestObject() as unknown as { rawBody?: Buffer | string };
	const body = this.getBodyData();
	// The signature covers the exact bytes sent; the parsed body re-serialised is the same JSON when n8n kept no raw copy.
	const raw = request.rawBody !== undefined ? request.rawBody.toString() : JSON.stringify(body);
	const check = checkSignature(secrets, this.getHeaderData() as Record<string, unknown>, raw);
	if (!check.ok) {
		this.getResponseObject().status(401).json({ message: `Unauthorized: ${check.reason}` });
		return { noWebhookResponse: true };
	}

	const eventId = typeof body.id === 'string' ? body.id : '';
	const type = typeof body.type === 'string' ? body.type : '';
	if (eventId === '' || type === '') return acknowledge('not a WhatsApp Inbox event');
	const events = this.getNodeParameter('events', []) as string[];
	if (events.length > 0 && !events.includes(type)) return acknowledge('event');

	// At-least-once delivery: a retry of an event already taken starts nothing. Process memory catches retries that
	// race; static data survives restarts. Keyed by mode: the test URL ("Listen for test event") and the production
	// URL each hear the event once.
	const key = `${this.getMode()}:${eventId}`;
	const scope = `inbox:${this.getWorkflow().id ?? ''}:${this.getNode().id}`;
	const inMemory = rememberDelivery(memoryFor(scope), key);
	staticData.recentEvents = (staticData.recentEvents ?? {}) as IDataObject;
	const stored = rememberDelivery(staticData.recentEvents as RecentKeys, key);
	if (inMemory || stored) return acknowledge('duplicate');

	const options = this.getNodeParameter('options', {}) as IDataObject;
	const reason = filteredOut(body, options);
	if (reason) return acknowledge(reason);

	const item: INodeExecutionData = { json: itemOf(body) };
	const message = ((body.data ?? {}) as IDataObject).message as IDataObject | undefined;
	if (options.downloadMedia === true && message && MESSAGE_EVENTS.has(type)) {
		const media = await downloadMessageMedia.call(this, message);
		if (media?.binary) {
			const property = typeof options.binaryPropertyName === 'string' && options.binaryPropertyName.trim() !== '' ? options.binaryPropertyName.trim() : 'data';
			item.binary = { [property]: media.binary };
		} else if (media?.error) {
			item.json = { ...item.json, mediaError: media.error };
		}
	}
	return { workflowData: [[item]] };
}
