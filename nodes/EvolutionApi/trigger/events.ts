import type { INodePropertyOptions } from 'n8n-workflow';

/**
 * The events the trigger can listen to, as they appear in a delivery's `event` field. Evolution's
 * `/webhook/set` wants the upper-case filter names (`messages.upsert` → `MESSAGES_UPSERT`).
 */
export const TRIGGER_EVENT_OPTIONS: INodePropertyOptions[] = [
	{ name: 'Call', value: 'call', description: 'An incoming call was offered, accepted, rejected or ended' },
	{ name: 'Chats Delete', value: 'chats.delete' },
	{ name: 'Chats Set', value: 'chats.set', description: 'Chats from a history sync' },
	{ name: 'Chats Update', value: 'chats.update' },
	{ name: 'Chats Upsert', value: 'chats.upsert' },
	{ name: 'Connection Update', value: 'connection.update', description: 'The instance connected, is connecting or was closed' },
	{ name: 'Contacts Update', value: 'contacts.update' },
	{ name: 'Contacts Upsert', value: 'contacts.upsert' },
	{ name: 'Group Participants Update', value: 'group-participants.update', description: 'Participants joined, left, were promoted or demoted' },
	{ name: 'Groups Upsert', value: 'groups.upsert', description: 'The instance joined or created a group' },
	{ name: 'Labels Association', value: 'labels.association' },
	{ name: 'Labels Edit', value: 'labels.edit' },
	{ name: 'Message Deleted', value: 'messages.delete', description: 'A message was deleted for everyone' },
	{ name: 'Message Edited', value: 'messages.edited', description: 'A message was edited (also fires for revokes)' },
	{ name: 'Message Received', value: 'messages.upsert', description: 'A new message arrived, or was typed on the phone' },
	{ name: 'Message Sent by the API', value: 'send.message', description: 'A message was sent through the Evolution API' },
	{ name: 'Message Status Update', value: 'messages.update', description: 'Delivery and read receipts of sent messages' },
	{ name: 'Presence Update', value: 'presence.update', description: 'Someone is typing, recording, online or offline' },
	{ name: 'QR Code Updated', value: 'qrcode.updated', description: 'A new QR code to scan' },
];

export const TRIGGER_EVENTS = TRIGGER_EVENT_OPTIONS.map((option) => String(option.value));

/** `group-participants.update` → `GROUP_PARTICIPANTS_UPDATE`, the name `/webhook/set` accepts. */
export function toEvolutionEventName(event: string): string {
	return event.replace(/[.-]/g, '_').toUpperCase();
}

/** The path suffix Evolution appends with `byEvents` (`messages.upsert` → `messages-upsert`). */
export function toByEventsSuffix(event: string): string {
	return event.replace(/[._]/g, '-').toLowerCase();
}

/** Events whose `data` is one message in Evolution's `messageRaw` shape. */
export const MESSAGE_EVENTS = new Set(['messages.upsert', 'send.message']);
