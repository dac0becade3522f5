/** The 31 webhook filter values (EventController.events) in Evolution's own order. */
export const WEBHOOK_EVENTS = [
	'APPLICATION_STARTUP',
	'QRCODE_UPDATED',
	'MESSAGES_SET',
	'MESSAGES_UPSERT',
	'MESSAGES_EDITED',
	'MESSAGES_UPDATE',
	'MESSAGES_DELETE',
	'SEND_MESSAGE',
	'SEND_MESSAGE_UPDATE',
	'CONTACTS_SET',
	'CONTACTS_UPSERT',
	'CONTACTS_UPDATE',
	'PRESENCE_UPDATE',
	'CHATS_SET',
	'CHATS_UPSERT',
	'CHATS_UPDATE',
	'CHATS_DELETE',
	'GROUPS_UPSERT',
	'GROUP_UPDATE',
	'GROUP_PARTICIPANTS_UPDATE',
	'CONNECTION_UPDATE',
	'LABELS_EDIT',
	'LABELS_ASSOCIATION',
	'CALL',
	'TYPEBOT_START',
	'TYPEBOT_CHANGE_STATUS',
	'REMOVE_INSTANCE',
	'LOGOUT_INSTANCE',
	'INSTANCE_CREATE',
	'INSTANCE_DELETE',
	'STATUS_INSTANCE',
] as const;

/** The dotted event names the sandbox emits (the `event` field of an envelope). */
export type EventName =
	| 'qrcode.updated'
	| 'connection.update'
	| 'status.instance'
	| 'messages.set'
	| 'messages.upsert'
	| 'messages.edited'
	| 'messages.update'
	| 'messages.delete'
	| 'send.message'
	| 'send.message.update'
	| 'contacts.upsert'
	| 'contacts.update'
	| 'presence.update'
	| 'chats.set'
	| 'chats.upsert'
	| 'chats.update'
	| 'chats.delete'
	| 'groups.upsert'
	| 'group-participants.update'
	| 'labels.edit'
	| 'labels.association'
	| 'call'
	| 'remove.instance'
	| 'logout.instance'
	| 'instance.create'
	| 'instance.delete';

/** `messages.upsert` → `MESSAGES_UPSERT`: the value an instance webhook's `events` must contain. */
export const filterName = (event: string): string => event.replace(/[.-]/g, '_').toUpperCase();

/** `group-participants.update` → `group-participants-update`: the byEvents URL suffix. */
export const byEventsSuffix = (event: string): string => filterName(event).replace(/_/g, '-').toLowerCase();
