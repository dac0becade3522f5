import type { INodePropertyOptions } from 'n8n-workflow';

/** The events the WhatsApp Inbox server delivers to a webhook subscription (server/src/webhook-subscriptions). */
export const INBOX_EVENT_OPTIONS: INodePropertyOptions[] = [
	{ name: 'AI Handed Off', value: 'ai.handed_off', description: 'The AI auto-reply handed a conversation to a person' },
	{ name: 'Channel Connected', value: 'channel.connected', description: 'A WhatsApp number connected (paired or reconnected)' },
	{ name: 'Channel Disconnected', value: 'channel.disconnected', description: 'A WhatsApp number lost its connection or was logged out' },
	{ name: 'Conversation Assigned', value: 'conversation.assigned', description: 'A conversation was assigned, transferred or unassigned' },
	{ name: 'Conversation Created', value: 'conversation.created', description: 'A new conversation started' },
	{ name: 'Conversation Status Changed', value: 'conversation.status_changed', description: 'A conversation was opened, resolved, snoozed or set pending' },
	{ name: 'Lead Created', value: 'lead.created', description: 'A lead was created (by a first message or through the API)' },
	{ name: 'Lead Updated', value: 'lead.updated', description: 'A lead changed (status, score, owner, fields)' },
	{ name: 'Message Received', value: 'message.received', description: 'A contact sent a message' },
	{ name: 'Message Sent', value: 'message.sent', description: 'A message left for WhatsApp (from the outbox or the phone)' },
	{ name: 'Message Status Changed', value: 'message.status_changed', description: 'A sent message was delivered, read, played or failed' },
	{ name: 'Sync Finished', value: 'sync.finished', description: 'A history sync completed, was cancelled or failed' },
];

/** Events about one message: the direction filter applies to them. */
export const MESSAGE_EVENTS = new Set(['message.received', 'message.sent', 'message.status_changed']);
