import type { INodePropertyOptions } from 'n8n-workflow';

/** The 31 event names `/webhook/set` accepts (Evolution 2.3.7, `EventController.events`). */
export const EVOLUTION_EVENTS = [
	'APPLICATION_STARTUP',
	'INSTANCE_CREATE',
	'INSTANCE_DELETE',
	'QRCODE_UPDATED',
	'CONNECTION_UPDATE',
	'STATUS_INSTANCE',
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
	'CALL',
	'LABELS_EDIT',
	'LABELS_ASSOCIATION',
	'TYPEBOT_START',
	'TYPEBOT_CHANGE_STATUS',
	'REMOVE_INSTANCE',
	'LOGOUT_INSTANCE',
] as const;

function titleCase(event: string): string {
	return event
		.toLowerCase()
		.split('_')
		.map((word) => word.charAt(0).toUpperCase() + word.slice(1))
		.join(' ');
}

export const EVOLUTION_EVENT_OPTIONS: INodePropertyOptions[] = EVOLUTION_EVENTS.map((event) => ({
	name: titleCase(event),
	value: event,
}));
