import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { normalizeWhatsAppAddress, splitAddressList } from '../../helpers/phone';

export const groupJidField: INodeProperties = {
	displayName: 'Group ID',
	name: 'groupJid',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 120363000000000000@g.us',
	description: 'JID of the group; "@g.us" is added when missing',
};

export const participantsField: INodeProperties = {
	displayName: 'Participants',
	name: 'participants',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 5511987654321, +55 11 91234-5678',
	description: 'Phone numbers separated by commas',
};

export function readGroupJid(this: IExecuteFunctions, itemIndex: number): string {
	const raw = String(this.getNodeParameter('groupJid', itemIndex) ?? '').trim();
	if (raw === '') {
		throw new NodeOperationError(this.getNode(), 'No group ID given', { itemIndex });
	}
	return raw.includes('@') ? raw : `${raw}@g.us`;
}

export function readParticipants(this: IExecuteFunctions, itemIndex: number): string[] {
	const raw = this.getNodeParameter('participants', itemIndex) as string | string[];
	const numbers = splitAddressList(raw)
		.map((entry) => normalizeWhatsAppAddress(entry))
		.filter((entry): entry is string => entry !== undefined);
	if (numbers.length === 0) {
		throw new NodeOperationError(this.getNode(), 'No participant given', { itemIndex });
	}
	return numbers;
}
