/** /message/send*: validation and controller checks as in 2.3.7, then the common send path. */
import { randomBytes } from 'node:crypto';

import { createJid } from '../domain/jid';
import { long } from '../domain/protobuf';
import type { UploadedFile } from '../http/app';
import { badRequest } from '../http/errors';
import { defineRoute, type JsonBody, type RouteDeps } from '../http/route';
import { schemas } from '../http/schemas';
import { validateBody } from '../http/validate';
import { mediaContent, MEDIA_MESSAGE_TYPES, type MediaKind } from '../messages/media-content';
import { extensionFor, isBase64, isUrl, resolveMedia } from '../messages/media-source';
import { type OutgoingContent, sendMessage, type SendOptions } from '../messages/sender';
import { isSingleEmoji } from '../messages/emoji';

type Body = SendOptions & JsonBody & { number: string; file?: UploadedFile };

const MIMETYPES: Record<string, string> = { image: 'image/jpeg', video: 'video/mp4', audio: 'audio/mp4', document: 'application/pdf' };

async function mediaOutgoing(
	kind: MediaKind,
	source: unknown,
	file: UploadedFile | undefined,
	details: { mimetype?: string; fileName?: string; caption?: string; ptt?: boolean },
): Promise<OutgoingContent> {
	const resolved = await resolveMedia(source, file);
	let mimetype = details.mimetype ?? resolved.mimetype ?? MIMETYPES[kind] ?? 'application/octet-stream';
	let fileName = details.fileName ?? resolved.fileName;
	// Evolution re-encodes images to JPEG (the sandbox keeps the bytes, but reports what Evolution reports).
	if (kind === 'image') {
		mimetype = 'image/jpeg';
		fileName = fileName ?? 'image.jpg';
	}
	if (kind === 'audio' && details.ptt) mimetype = 'audio/ogg; codecs=opus';
	if (kind === 'sticker') mimetype = 'image/webp';
	fileName = fileName ?? `file.${extensionFor(mimetype)}`;
	const messageType = MEDIA_MESSAGE_TYPES[kind];
	return {
		messageType,
		content: { [messageType]: mediaContent({ kind, data: resolved.data, mimetype, caption: details.caption, fileName, ptt: details.ptt }) },
		media: { data: resolved.data, mimetype, fileName },
	};
}

function vcard(contact: { fullName: string; phoneNumber: string; wuid?: string; organization?: string; email?: string; url?: string }): string {
	const wuid = contact.wuid ?? contact.phoneNumber.replace(/\D/g, '');
	return [
		'BEGIN:VCARD',
		'VERSION:3.0',
		`N:${contact.fullName}`,
		`FN:${contact.fullName}`,
		contact.organization ? `ORG:${contact.organization};` : undefined,
		contact.email ? `EMAIL:${contact.email}` : undefined,
		contact.url ? `URL:${contact.url}` : undefined,
		`item1.TEL;waid=${wuid}:${contact.phoneNumber}`,
		'item1.X-ABLabel:Celular',
		'END:VCARD',
	]
		.filter(Boolean)
		.join('\n');
}

export function registerMessageRoutes(deps: RouteDeps): void {
	const { world } = deps;
	const send = (path: string, schema: keyof typeof schemas, build: (body: Body, jid: string) => Promise<OutgoingContent> | OutgoingContent, check?: (body: Body) => void) =>
		defineRoute(deps, {
			method: 'POST',
			path: `/message/${path}`,
			status: 201,
			handler: ({ instance, body }) => {
				const data = validateBody<Body>(body, schemas[schema]);
				check?.(data);
				return sendMessage(world, instance, data.number, data, (jid) => build(data, jid));
			},
		});

	send(
		'sendText',
		'sendText',
		(body) => ({ messageType: 'conversation', content: { conversation: body.text } }),
		(body) => {
			if (!String(body.text).trim()) throw badRequest('Text is required');
		},
	);

	send(
		'sendMedia',
		'sendMedia',
		(body) =>
			mediaOutgoing(body.mediatype as MediaKind, body.media, body.file, {
				mimetype: body.mimetype,
				fileName: body.fileName,
				caption: body.caption,
				ptt: false,
			}),
		(body) => {
			if (isBase64(body.media) && !body.fileName && body.mediatype === 'document')
				throw badRequest('For base64 the file name must be informed.');
			if (!body.file && !isUrl(body.media) && !isBase64(body.media)) throw badRequest('Owned media must be a url or base64');
		},
	);

	send(
		'sendPtv',
		'sendPtv',
		(body) => mediaOutgoing('ptv', body.video, body.file, { mimetype: 'video/mp4' }),
		(body) => {
			if (!body.file && !isUrl(body.video) && !isBase64(body.video)) throw badRequest('Owned media must be a url or base64');
		},
	);

	send(
		'sendWhatsAppAudio',
		'sendWhatsAppAudio',
		// quoted is ignored for audio in 2.3.7.
		(body) => {
			delete body.quoted;
			return mediaOutgoing('audio', body.audio, body.file, { ptt: true });
		},
		(body) => {
			if (!body.file?.buffer && !isUrl(body.audio) && !isBase64(body.audio))
				throw badRequest('Owned media must be a url, base64, or valid file with buffer');
		},
	);

	send(
		'sendSticker',
		'sendSticker',
		(body) => mediaOutgoing('sticker', body.sticker, body.file, {}),
		(body) => {
			if (!body.file && !isUrl(body.sticker) && !isBase64(body.sticker)) throw badRequest('Owned media must be a url or base64');
		},
	);

	send('sendLocation', 'sendLocation', (body) => ({
		messageType: 'locationMessage',
		content: { locationMessage: { degreesLatitude: body.latitude, degreesLongitude: body.longitude, name: body.name, address: body.address } },
	}));

	send('sendContact', 'sendContact', (body) => {
		const contacts = body.contact as Array<{ fullName: string; phoneNumber: string }>;
		if (contacts.length === 1)
			return { messageType: 'contactMessage', content: { contactMessage: { displayName: contacts[0].fullName, vcard: vcard(contacts[0]) } } };
		return {
			messageType: 'contactsArrayMessage',
			content: {
				contactsArrayMessage: {
					displayName: `${contacts.length} contacts`,
					contacts: contacts.map((contact) => ({ displayName: contact.fullName, vcard: vcard(contact) })),
				},
			},
		};
	});

	defineRoute(deps, {
		method: 'POST',
		path: '/message/sendReaction',
		status: 201,
		handler: ({ instance, body }) => {
			const data = validateBody<{ key: { id: string; remoteJid: string; fromMe: boolean }; reaction: string }>(body, schemas.sendReaction);
			if (!isSingleEmoji(data.reaction)) throw badRequest('Reaction must be a single emoji or empty string');
			return sendMessage(world, instance, data.key.remoteJid, {}, () => ({
				messageType: 'reactionMessage',
				withoutContext: true,
				content: {
					reactionMessage: {
						key: { remoteJid: createJid(data.key.remoteJid), fromMe: data.key.fromMe, id: data.key.id },
						text: data.reaction,
						senderTimestampMs: long(Date.now(), false),
					},
				},
			}));
		},
	});

	send('sendPoll', 'sendPoll', (body) => {
		const poll = {
			name: body.name,
			options: (body.values as string[]).map((optionName) => ({ optionName })),
			selectableOptionsCount: body.selectableCount,
		};
		const messageType = body.selectableCount === 1 ? 'pollCreationMessageV3' : 'pollCreationMessage';
		return { messageType, content: { [messageType]: poll, messageContextInfo: { messageSecret: randomBytes(32).toString('base64') } } };
	});

	send('sendList', 'sendList', (body) => ({
		messageType: 'listMessage',
		content: {
			listMessage: {
				title: body.title,
				description: body.description ?? '',
				buttonText: body.buttonText,
				listType: 2,
				sections: body.sections,
				footerText: body.footerText,
			},
		},
	}));

	send('sendButtons', 'sendButtons', (body) => ({
		messageType: 'interactiveMessage',
		content: {
			interactiveMessage: {
				header: { title: body.title ?? '', hasMediaAttachment: false },
				body: { text: body.description ?? '' },
				footer: { text: body.footer ?? '' },
				nativeFlowMessage: {
					buttons: ((body.buttons ?? []) as Array<Record<string, string>>).map((button) => ({
						name: { reply: 'quick_reply', copy: 'cta_copy', url: 'cta_url', call: 'cta_call', pix: 'payment_info' }[button.type] ?? button.type,
						buttonParamsJson: JSON.stringify({ display_text: button.displayText, id: button.id, url: button.url, copy_code: button.copyCode, phone_number: button.phoneNumber }),
					})),
					messageParamsJson: '',
				},
			},
		},
	}));
}
