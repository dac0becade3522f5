import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { normalizeWhatsAppAddress, splitAddressList } from '../helpers/phone';
import { deliveryKey, memoryFor, rememberDelivery, type RecentKeys } from './dedupe';
import { MESSAGE_EVENTS, toByEventsSuffix } from './events';
import { downloadMedia } from './media';
import type { TriggerStaticData } from './registration';
import { DELIVERY_HEADER_NAME, secretMatches } from './secret';
import { chatOf, simplify } from './simplify';

/** Answers without starting an execution (Evolution only looks at the status code). */
function acknowledge(reason: string): IWebhookResponseData {
	return { webhookResponse: { received: true, ignored: reason } };
}

/** Whether the chat matches one of the "Only These Chats" entries (numbers in any format, or JIDs). */
export function chatAllowed(filter: string, chat: { chatId?: string; phone?: string }): boolean {
	const wanted = splitAddressList(filter)
		.map((entry) => normalizeWhatsAppAddress(entry))
		.filter((entry): entry is string => entry !== undefined);
	if (wanted.length === 0) return true;
	if (!chat.chatId) return false;
	const chatDigits = chat.chatId.includes('@s.whatsapp.net') ? chat.chatId.split('@')[0] : undefined;
	return wanted.some(
		(entry) =>
			entry === chat.chatId ||
			entry === chat.phone ||
			entry === chatDigits ||
			(entry.endsWith('@s.whatsapp.net') && entry.split('@')[0] === chat.phone),
	);
}

/** Why a message delivery is filtered out by the node's options, if it is. */
export function filteredOut(body: IDataObject, options: IDataObject): string | undefined {
	const event = String(body.event ?? '');
	const data = (body.data ?? {}) as IDataObject;
	const key = (data.key ?? {}) as IDataObject;
	const chat = chatOf(body);
	// Only new messages: receipts, edits and API sends are about our own messages by nature.
	if (options.ignoreFromMe === true && event === 'messages.upsert' && key.fromMe === true) return 'fromMe';
	if (options.ignoreGroups === true && chat.chatId?.endsWith('@g.us')) return 'group';
	if (options.ignoreStatus === true && (chat.chatId === 'status@broadcast' || chat.chatId?.endsWith('@newsletter')))
		return 'status';
	const onlyChats = typeof options.onlyChats === 'string' ? options.onlyChats : '';
	if (onlyChats.trim() !== '' && !chatAllowed(onlyChats, chat)) return 'chat';
	return undefined;
}

function hasValue(header: unknown): boolean {
	const value = Array.isArray(header) ? (header[0] as unknown) : header;
	return typeof value === 'string' && value !== '';
}

/** The webhook handler: authenticate, filter, de-duplicate, then emit raw or simplified items. */
export async function receiveDelivery(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const staticData = this.getWorkflowStaticData('node') as TriggerStaticData;
	const headers = this.getHeaderData();
	if (!secretMatches(headers[DELIVERY_HEADER_NAME], staticData.secret)) {
		const res = this.getResponseObject();
		if (staticData.secret === undefined && hasValue(headers[DELIVERY_HEADER_NAME])) {
			// n8n saves the secret `create` chose only once the whole activation is over, and Evolution delivers as soon
			// as the webhook is set: a message in between would be refused, and Evolution never retries a 401. A 503 it
			// retries (5 s later), when the secret is there to check against.
			res.setHeader('retry-after', '5');
			res.status(503).json({ message: 'The trigger is still being activated: retry' });
			return { noWebhookResponse: true };
		}
		res.status(401).json({ message: 'Unauthorized: missing or wrong webhook secret' });
		return { noWebhookResponse: true };
	}

	const body = this.getBodyData();
	const event = typeof body.event === 'string' ? body.event : '';
	if (event === '') return acknowledge('not an Evolution API event');

	// With per-event URLs Evolution appends the event to the path; it must agree with the body.
	if (this.getWebhookName() === 'setup') {
		const params = this.getParamsData() as IDataObject;
		const paramName = Object.keys(params).find((name) => name.startsWith('event'));
		const suffix = paramName === undefined ? undefined : params[paramName];
		if (typeof suffix === 'string' && suffix !== toByEventsSuffix(event)) return acknowledge('path');
	}

	const events = this.getNodeParameter('events', []) as string[];
	if (events.length > 0 && !events.includes(event)) return acknowledge('event');
	const expectedInstance = staticData.instance;
	if (expectedInstance !== undefined && body.instance !== undefined && body.instance !== expectedInstance)
		return acknowledge('instance');

	const options = this.getNodeParameter('options', {}) as IDataObject;
	const reason = filteredOut(body, options);
	if (reason) return acknowledge(reason);

	// Duplicate deliveries (Evolution retries) start nothing. Process memory catches retries that race;
	// static data survives restarts and covers other main processes.
	const request = this.getRequestObject() as unknown as { rawBody?: Buffer };
	const key = deliveryKey(body, request.rawBody);
	const scope = `${this.getWorkflow().id ?? ''}:${this.getNode().id}:${staticData.secret ?? ''}`;
	const inMemory = rememberDelivery(memoryFor(scope), key);
	staticData.recentDeliveries = (staticData.recentDeliveries ?? {}) as IDataObject;
	const stored = rememberDelivery(staticData.recentDeliveries as RecentKeys, key);
	if (inMemory || stored) return acknowledge('duplicate');

	const output = this.getNodeParameter('output', 'simplified') as string;
	const item: INodeExecutionData = { json: output === 'raw' ? body : simplify(body) };
	if (options.downloadMedia === true && MESSAGE_EVENTS.has(event)) {
		const media = await downloadMedia.call(this, body);
		if (media?.binary) {
			const property = typeof options.binaryPropertyName === 'string' && options.binaryPropertyName.trim() !== ''
				? options.binaryPropertyName.trim()
				: 'data';
			item.binary = { [property]: media.binary };
		} else if (media?.error) {
			item.json = { ...item.json, mediaError: media.error };
		}
	}
	return { workflowData: [[item]] };
}
