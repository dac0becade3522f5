import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

/** WhatsApp anchors chat-level changes (archive, unread) to the chat's last message. */
export function lastMessageFields(required: boolean): INodeProperties[] {
	return [
		{
			displayName: 'Last Message ID',
			name: 'lastMessageId',
			type: 'string',
			default: '',
			required,
			placeholder: 'e.g. 3A5F2C1B0D9E8F7A6B5C',
			description: 'ID of the last message in the chat (WhatsApp applies the change up to it)',
		},
		{
			displayName: 'Last Message Sent by Me',
			name: 'lastMessageFromMe',
			type: 'boolean',
			default: false,
			description: 'Whether that last message was sent by this instance',
		},
	];
}

export function lastMessageKey(this: IExecuteFunctions, itemIndex: number, remoteJid: string): IDataObject | undefined {
	const id = String(this.getNodeParameter('lastMessageId', itemIndex, '') ?? '').trim();
	if (id === '') return undefined;
	return { id, remoteJid, fromMe: this.getNodeParameter('lastMessageFromMe', itemIndex, false) as boolean };
}
