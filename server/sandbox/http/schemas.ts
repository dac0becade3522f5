/** The request schemas of Evolution 2.3.7 (src/validate/*.schema.ts), reduced to what the validator checks. */
import { WEBHOOK_EVENTS } from '../webhooks/events';
import type { Schema } from './json-schema';

const numberDefinition: Schema = { type: 'string', description: 'Invalid format' };
const delay: Schema = { type: 'integer', description: 'Enter a value in milliseconds' };
const messageKey: Schema = {
	type: 'object',
	properties: { id: { type: 'string' }, remoteJid: { type: 'string' }, fromMe: { type: 'boolean', enum: [true, false] } },
};
const quoted: Schema = {
	properties: { key: { ...messageKey, required: ['id'] }, message: { type: 'object' } },
};
const mentioned: Schema = {
	type: 'array',
	minItems: 1,
	uniqueItems: true,
	items: { type: 'string', pattern: '^\\d+', description: '"mentioned" must be an array of numeric strings' },
};
const sendOptions = { delay, quoted, everyOne: { type: 'boolean', enum: [true, false] } as Schema, mentioned };

const sendSchema = (properties: Record<string, Schema>, required: string[]): Schema => ({
	type: 'object',
	properties: { number: numberDefinition, ...properties, ...sendOptions },
	required,
});

export const schemas = {
	sendText: sendSchema({ text: { type: 'string' }, linkPreview: { type: 'boolean' } }, ['number', 'text']),
	sendMedia: sendSchema(
		{
			mediatype: { type: 'string', enum: ['image', 'document', 'video', 'audio'] },
			mimetype: { type: 'string' },
			media: { type: 'string' },
			fileName: { type: 'string' },
			caption: { type: 'string' },
		},
		['number', 'mediatype'],
	),
	sendPtv: sendSchema({ video: { type: 'string' } }, ['number']),
	sendWhatsAppAudio: sendSchema({ audio: { type: 'string' } }, ['number']),
	sendSticker: sendSchema({ sticker: { type: 'string' } }, ['number']),
	sendLocation: sendSchema(
		{ latitude: { type: 'number' }, longitude: { type: 'number' }, name: { type: 'string' }, address: { type: 'string' } },
		['number', 'latitude', 'longitude', 'name', 'address'],
	),
	sendContact: {
		type: 'object',
		properties: {
			number: numberDefinition,
			contact: {
				type: 'array',
				items: {
					type: 'object',
					properties: {
						fullName: { type: 'string' },
						wuid: { type: 'string', minLength: 10, pattern: '\\d+', description: '"wuid" must be a numeric string' },
						phoneNumber: { type: 'string', minLength: 10 },
						organization: { type: 'string' },
						email: { type: 'string' },
						url: { type: 'string' },
					},
					required: ['fullName', 'phoneNumber'],
				},
				minItems: 1,
				uniqueItems: true,
			},
		},
		required: ['number', 'contact'],
	} as Schema,
	sendReaction: {
		type: 'object',
		properties: { key: { ...messageKey, required: ['id', 'remoteJid', 'fromMe'] }, reaction: { type: 'string' } },
		required: ['key', 'reaction'],
	} as Schema,
	sendPoll: sendSchema(
		{
			name: { type: 'string' },
			selectableCount: { type: 'integer', minimum: 0, maximum: 10 },
			values: { type: 'array', minItems: 2, maxItems: 10, uniqueItems: true, items: { type: 'string' } },
		},
		['number', 'name', 'selectableCount', 'values'],
	),
	sendList: sendSchema(
		{
			title: { type: 'string' },
			description: { type: 'string' },
			footerText: { type: 'string' },
			buttonText: { type: 'string' },
			sections: {
				type: 'array',
				minItems: 1,
				uniqueItems: true,
				items: {
					type: 'object',
					properties: {
						title: { type: 'string' },
						rows: {
							type: 'array',
							minItems: 1,
							uniqueItems: true,
							items: {
								type: 'object',
								properties: { title: { type: 'string' }, description: { type: 'string' }, rowId: { type: 'string' } },
								required: ['title', 'rowId'],
							},
						},
					},
					required: ['title', 'rows'],
				},
			},
		},
		['number', 'title', 'footerText', 'buttonText', 'sections'],
	),
	sendButtons: sendSchema(
		{
			thumbnailUrl: { type: 'string' },
			title: { type: 'string' },
			description: { type: 'string' },
			footer: { type: 'string' },
			buttons: {
				type: 'array',
				items: {
					type: 'object',
					properties: {
						type: { type: 'string', enum: ['reply', 'copy', 'url', 'call', 'pix'] },
						displayText: { type: 'string' },
						id: { type: 'string' },
						url: { type: 'string' },
						phoneNumber: { type: 'string' },
					},
					required: ['type'],
				},
			},
		},
		['number'],
	),
	whatsappNumbers: {
		type: 'object',
		properties: {
			numbers: {
				type: 'array',
				minItems: 1,
				uniqueItems: true,
				items: { type: 'string', description: '"numbers" must be an array of numeric strings' },
			},
		},
	} as Schema,
	markMessageAsRead: {
		type: 'object',
		properties: {
			readMessages: {
				type: 'array',
				minItems: 1,
				uniqueItems: true,
				items: { ...messageKey, required: ['id', 'fromMe', 'remoteJid'] },
			},
		},
		required: ['readMessages'],
	} as Schema,
	archiveChat: {
		type: 'object',
		properties: {
			chat: { type: 'string' },
			lastMessage: { type: 'object', properties: { key: { ...messageKey, required: ['id', 'fromMe', 'remoteJid'] } }, required: ['key'] },
			archive: { type: 'boolean', enum: [true, false] },
		},
		required: ['archive'],
	} as Schema,
	markChatUnread: {
		type: 'object',
		properties: {
			chat: { type: 'string' },
			lastMessage: { type: 'object', properties: { key: { ...messageKey, required: ['id', 'fromMe', 'remoteJid'] } }, required: ['key'] },
		},
		required: ['lastMessage'],
	} as Schema,
	deleteMessage: {
		type: 'object',
		properties: { id: { type: 'string' }, fromMe: { type: 'boolean', enum: [true, false] }, remoteJid: { type: 'string' }, participant: { type: 'string' } },
		required: ['id', 'fromMe', 'remoteJid'],
	} as Schema,
	updateMessage: {
		type: 'object',
		properties: { number: { type: 'string' }, text: { type: 'string' }, key: { ...messageKey, required: ['id', 'fromMe', 'remoteJid'] } },
	} as Schema,
	profilePicture: { type: 'object', properties: { number: { type: 'string' }, picture: { type: 'string' } } } as Schema,
	sendPresence: {
		type: 'object',
		properties: {
			number: numberDefinition,
			delay: { type: 'number' },
			presence: { type: 'string', enum: ['unavailable', 'available', 'composing', 'recording', 'paused'] },
		},
		required: ['number', 'presence', 'delay'],
	} as Schema,
	setPresence: {
		type: 'object',
		properties: { presence: { type: 'string', enum: ['unavailable', 'available', 'composing', 'recording', 'paused'] } },
		required: ['presence'],
	} as Schema,
	blockUser: {
		type: 'object',
		properties: { number: { type: 'string' }, status: { type: 'string', enum: ['block', 'unblock'] } },
		required: ['number', 'status'],
	} as Schema,
	findContacts: {
		type: 'object',
		properties: {
			where: {
				type: 'object',
				properties: { id: { type: 'string', minLength: 1 }, pushName: { type: 'string', minLength: 1 }, remoteJid: { type: 'string', minLength: 1 } },
			},
		},
	} as Schema,
	findStatusMessage: {
		type: 'object',
		properties: {
			where: { type: 'object', properties: { remoteJid: { type: 'string' }, id: { type: 'string' } } },
			page: { type: 'integer' },
			offset: { type: 'integer' },
		},
	} as Schema,
	findMessages: {
		type: 'object',
		properties: { where: { type: 'object', properties: { key: { type: 'object' }, message: { type: 'object' } } }, limit: { type: 'integer' } },
	} as Schema,
	profileName: { type: 'object', properties: { name: { type: 'string' } } } as Schema,
	profileStatus: { type: 'object', properties: { status: { type: 'string' } } } as Schema,
	createGroup: {
		type: 'object',
		properties: {
			subject: { type: 'string' },
			description: { type: 'string' },
			profilePicture: { type: 'string' },
			promoteParticipants: { type: 'boolean', enum: [true, false] },
			participants: {
				type: 'array',
				minItems: 1,
				uniqueItems: true,
				items: { type: 'string', minLength: 10, pattern: '\\d+', description: '"participants" must be an array of numeric strings' },
			},
		},
		required: ['subject', 'participants'],
	} as Schema,
	groupJid: {
		type: 'object',
		properties: { groupJid: { type: 'string', pattern: '^[\\d-]+@g.us$' } },
		required: ['groupJid'],
	} as Schema,
	getParticipants: {
		type: 'object',
		properties: { getParticipants: { type: 'string', enum: ['true', 'false'] } },
		required: ['getParticipants'],
	} as Schema,
	groupSendInvite: {
		type: 'object',
		properties: {
			groupJid: { type: 'string' },
			description: { type: 'string' },
			numbers: {
				type: 'array',
				minItems: 1,
				uniqueItems: true,
				items: { type: 'string', minLength: 10, pattern: '\\d+', description: '"numbers" must be an array of numeric strings' },
			},
		},
		required: ['groupJid', 'description', 'numbers'],
	} as Schema,
	updateParticipants: {
		type: 'object',
		properties: {
			groupJid: { type: 'string' },
			action: { type: 'string', enum: ['add', 'remove', 'promote', 'demote'] },
			participants: {
				type: 'array',
				minItems: 1,
				uniqueItems: true,
				items: { type: 'string', minLength: 10, pattern: '\\d+', description: '"participants" must be an array of numeric strings' },
			},
		},
		required: ['groupJid', 'action', 'participants'],
	} as Schema,
	updateGroupSubject: {
		type: 'object',
		properties: { groupJid: { type: 'string' }, subject: { type: 'string' } },
		required: ['groupJid', 'subject'],
	} as Schema,
	updateGroupDescription: {
		type: 'object',
		properties: { groupJid: { type: 'string' }, description: { type: 'string' } },
		required: ['groupJid', 'description'],
	} as Schema,
	updateGroupPicture: {
		type: 'object',
		properties: { groupJid: { type: 'string' }, image: { type: 'string' } },
		required: ['groupJid', 'image'],
	} as Schema,
	webhook: {
		type: 'object',
		properties: {
			webhook: {
				type: 'object',
				properties: {
					enabled: { type: 'boolean' },
					url: { type: 'string' },
					headers: { type: 'object' },
					byEvents: { type: 'boolean' },
					base64: { type: 'boolean' },
					events: { type: 'array', minItems: 0, items: { type: 'string', enum: [...WEBHOOK_EVENTS] } },
				},
				required: ['enabled', 'url'],
			},
		},
		required: ['webhook'],
	} as Schema,
	settings: {
		type: 'object',
		properties: {
			rejectCall: { type: 'boolean' },
			msgCall: { type: 'string' },
			groupsIgnore: { type: 'boolean' },
			alwaysOnline: { type: 'boolean' },
			readMessages: { type: 'boolean' },
			readStatus: { type: 'boolean' },
			syncFullHistory: { type: 'boolean' },
			wavoipToken: { type: 'string' },
		},
		required: ['rejectCall', 'groupsIgnore', 'alwaysOnline', 'readMessages', 'readStatus', 'syncFullHistory'],
	} as Schema,
	handleLabel: {
		type: 'object',
		properties: { number: { type: 'string' }, labelId: { type: 'string' }, action: { type: 'string', enum: ['add', 'remove'] } },
		required: ['number', 'labelId', 'action'],
	} as Schema,
} satisfies Record<string, Schema>;
