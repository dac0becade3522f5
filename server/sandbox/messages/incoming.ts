/**
 * Messages from the other side (a customer's phone, or our own phone), as Baileys 7 delivers them and
 * Evolution turns them into messages.upsert: messageContextInfo on every message, extended text
 * converted to `conversation` with its contextInfo lifted, @lid senders rewritten to the PN in the
 * webhook (the DB keeps the @lid), followed by contacts.upsert/update and chats.upsert/update.
 */
import { z } from 'zod';

import { lidFor, phoneMessageId } from '../domain/ids';
import type { InstanceState, MessageKey } from '../domain/instance-state';
import { createJid, isGroupJid } from '../domain/jid';
import { long, messageContextInfo, randomBytesObject } from '../domain/protobuf';
import { fakeProfilePictureUrl } from '../domain/profile';
import type { SandboxWorld } from '../world';
import { mediaContent, MEDIA_MESSAGE_TYPES, type MediaKind, SAMPLE_MEDIA } from './media-content';
import { ensureChat, type MessageRaw, messageRaw, nowSeconds, storeMessage, withBase64 } from './message-row';

export const incomingSchema = z.object({
	type: z
		.enum(['text', 'extendedText', 'image', 'video', 'audio', 'document', 'sticker', 'reaction', 'location', 'contact'])
		.default('text'),
	from: z.string().default('5511988887777'),
	pushName: z.string().default('Maria Souza'),
	text: z.string().optional(),
	caption: z.string().optional(),
	media: z.string().optional(),
	mimetype: z.string().optional(),
	fileName: z.string().optional(),
	ptt: z.boolean().default(true),
	replyTo: z.string().optional(),
	reaction: z.object({ messageId: z.string(), emoji: z.string() }).optional(),
	location: z.object({ latitude: z.number(), longitude: z.number(), name: z.string().optional(), address: z.string().optional() }).optional(),
	contact: z.object({ fullName: z.string(), phoneNumber: z.string() }).optional(),
	group: z.string().optional(),
	lid: z.boolean().default(false),
	fromMe: z.boolean().default(false),
	source: z.enum(['ios', 'android']).default('ios'),
	mentions: z.array(z.string()).default([]),
	timestamp: z.number().int().optional(),
});

export type IncomingSpec = z.infer<typeof incomingSchema>;

const baseContext = () => ({ mentionedJid: [] as string[], groupMentions: [], statusAttributions: [] });

function buildKey(instance: InstanceState, spec: IncomingSpec, id: string): { stored: MessageKey; webhook: MessageKey } {
	const pn = createJid(spec.from);
	const lid = lidFor(pn.split('@')[0]);
	if (spec.group) {
		const key: MessageKey = spec.fromMe
			? { remoteJid: createJid(spec.group), fromMe: true, id, participant: lidFor((instance.wuid ?? pn).split('@')[0]), participantAlt: instance.wuid ?? pn, addressingMode: 'lid' }
			: { remoteJid: createJid(spec.group), fromMe: false, id, participant: lid, participantAlt: pn, addressingMode: 'lid' };
		return { stored: key, webhook: key };
	}
	if (spec.lid) {
		const stored: MessageKey = { remoteJid: lid, remoteJidAlt: pn, fromMe: spec.fromMe, id, addressingMode: 'lid' };
		// 2.3.7 rewrites an @lid remoteJid to the PN in the webhook; remoteJidAlt keeps the PN.
		return { stored, webhook: { ...stored, remoteJid: pn } };
	}
	const key: MessageKey = { remoteJid: pn, remoteJidAlt: lid, fromMe: spec.fromMe, id, addressingMode: 'pn' };
	return { stored: key, webhook: key };
}

interface Content {
	messageType: string;
	content: Record<string, unknown>;
	contextInfo?: Record<string, unknown>;
	media?: { kind: MediaKind; data: Buffer; mimetype: string; fileName?: string };
}

function buildContent(instance: InstanceState, spec: IncomingSpec): Content {
	const mentions = spec.mentions.map((mention) => createJid(mention));
	switch (spec.type) {
		case 'text': {
			if (spec.replyTo) {
				const quoted = instance.messagesByKeyId.get(spec.replyTo);
				const quotedMessage = quoted ? { ...quoted.message } : { conversation: '' };
				delete (quotedMessage as Record<string, unknown>).messageContextInfo;
				return {
					messageType: 'conversation',
					content: { conversation: spec.text ?? 'Ok' },
					contextInfo: {
						stanzaId: spec.replyTo,
						participant: quoted?.key.fromMe ? instance.wuid : (quoted?.key.participant ?? quoted?.key.remoteJid ?? createJid(spec.from)),
						quotedMessage,
						...baseContext(),
						mentionedJid: mentions,
					},
				};
			}
			if (spec.group && mentions.length > 0)
				return { messageType: 'conversation', content: { conversation: spec.text ?? 'Oi' }, contextInfo: { ...baseContext(), mentionedJid: mentions, expiration: 0 } };
			return { messageType: 'conversation', content: { conversation: spec.text ?? 'Oi! Vocês entregam no sábado?' } };
		}
		case 'extendedText':
			// extendedTextMessage is converted to conversation; only its contextInfo survives, lifted up.
			return {
				messageType: 'conversation',
				content: { conversation: spec.text ?? 'Olha esse modelo https://loja.example.com/p/123' },
				contextInfo: {
					...baseContext(),
					mentionedJid: mentions,
					expiration: 0,
					ephemeralSettingTimestamp: long(1700000000, false),
					disappearingMode: { initiator: 0, trigger: 0 },
				},
			};
		case 'image':
		case 'video':
		case 'audio':
		case 'document':
		case 'sticker': {
			const kind = spec.type as MediaKind;
			const sample = SAMPLE_MEDIA[kind];
			const data = Buffer.from(spec.media ?? sample.base64, 'base64');
			const mimetype = spec.mimetype ?? sample.mimetype;
			const fileName = spec.fileName ?? sample.fileName;
			const withContext = kind === 'image' || kind === 'video' || kind === 'document';
			const content = mediaContent({
				kind,
				data,
				mimetype,
				caption: kind === 'sticker' || kind === 'audio' ? undefined : spec.caption,
				fileName,
				ptt: spec.ptt,
				contextInfo: withContext ? baseContext() : undefined,
			});
			if (kind === 'image')
				Object.assign(content, {
					firstScanSidecar: randomBytesObject(10),
					firstScanLength: 4096,
					scansSidecar: randomBytesObject(40),
					midQualityFileSha256: randomBytesObject(32),
					imageSourceType: 0,
				});
			const messageType = MEDIA_MESSAGE_TYPES[kind];
			return {
				messageType,
				content: { [messageType]: content },
				// Images and videos keep their contextInfo lifted; converted documents lose it.
				contextInfo: kind === 'image' || kind === 'video' ? baseContext() : undefined,
				media: { kind, data, mimetype, fileName },
			};
		}
		case 'reaction': {
			const target = spec.reaction ? instance.messagesByKeyId.get(spec.reaction.messageId) : undefined;
			return {
				messageType: 'reactionMessage',
				content: {
					reactionMessage: {
						key: target
							? { remoteJid: target.key.remoteJid, fromMe: target.key.fromMe, id: target.key.id }
							: { remoteJid: createJid(spec.from), fromMe: true, id: spec.reaction?.messageId ?? '' },
						text: spec.reaction?.emoji ?? '👍',
						senderTimestampMs: long(Date.now(), false),
					},
				},
			};
		}
		case 'location':
			return {
				messageType: 'locationMessage',
				content: {
					locationMessage: {
						degreesLatitude: spec.location?.latitude ?? -23.5505,
						degreesLongitude: spec.location?.longitude ?? -46.6333,
						name: spec.location?.name ?? '',
						address: spec.location?.address ?? '',
						jpegThumbnail: randomBytesObject(48),
						contextInfo: baseContext(),
					},
				},
				contextInfo: baseContext(),
			};
		case 'contact': {
			const contact = spec.contact ?? { fullName: 'Carlos Lima', phoneNumber: '+55 11 95555-4444' };
			const waid = contact.phoneNumber.replace(/\D/g, '');
			return {
				messageType: 'contactMessage',
				content: {
					contactMessage: {
						displayName: contact.fullName,
						vcard: `BEGIN:VCARD\nVERSION:3.0\nN:;${contact.fullName};;;\nFN:${contact.fullName}\nitem1.TEL;waid=${waid}:${contact.phoneNumber}\nitem1.X-ABLabel:Celular\nEND:VCARD`,
						contextInfo: baseContext(),
					},
				},
				contextInfo: baseContext(),
			};
		}
	}
}

/** Receives one message: stores it, emits messages.upsert, then the contact and chat events. */
export function receiveMessage(world: SandboxWorld, instance: InstanceState, spec: IncomingSpec): MessageRaw {
	const id = phoneMessageId(spec.source);
	const keys = buildKey(instance, spec, id);
	const built = buildContent(instance, spec);
	const pushName = spec.fromMe ? 'Você' : spec.pushName;
	const fields = {
		pushName,
		status: spec.fromMe ? 'SERVER_ACK' : 'DELIVERY_ACK',
		message: { ...built.content, messageContextInfo: messageContextInfo() },
		contextInfo: built.contextInfo,
		messageType: built.messageType,
		messageTimestamp: spec.timestamp ?? nowSeconds(),
		instanceId: instance.id,
		source: spec.source,
	};
	if (built.media) instance.media.set(id, { data: built.media.data, mimetype: built.media.mimetype, fileName: built.media.fileName });
	storeMessage(instance, messageRaw({ key: keys.stored, ...fields }));
	const webhookRaw = messageRaw({ key: keys.webhook, ...fields });
	world.emit(instance, 'messages.upsert', withBase64(instance, webhookRaw));
	if (!spec.fromMe) afterIncoming(world, instance, spec, keys.webhook.remoteJid);
	return webhookRaw;
}

function afterIncoming(world: SandboxWorld, instance: InstanceState, spec: IncomingSpec, chatJid: string): void {
	if (!spec.group) {
		const contactJid = createJid(spec.from);
		const known = instance.contacts.get(contactJid);
		const now = new Date();
		const contact = known ?? {
			id: `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`,
			remoteJid: contactJid,
			pushName: spec.pushName,
			profilePicUrl: world.directory.exists(contactJid.split('@')[0]) ? fakeProfilePictureUrl(contactJid) : null,
			createdAt: now,
			updatedAt: now,
		};
		const renamed = !!known && known.pushName !== spec.pushName;
		contact.pushName = spec.pushName;
		contact.updatedAt = now;
		instance.contacts.set(contactJid, contact);
		const data = { remoteJid: contactJid, pushName: contact.pushName, profilePicUrl: contact.profilePicUrl, instanceId: instance.id };
		world.emit(instance, known ? 'contacts.update' : 'contacts.upsert', data);
		if (renamed) {
			const chat = instance.chats.get(contactJid);
			if (chat) world.emit(instance, 'chats.upsert', [{ id: chat.id, name: spec.pushName }]);
		}
	}
	const name = spec.group ? (instance.groups.get(chatJid)?.subject ?? null) : spec.pushName;
	const { chat, created } = ensureChat(instance, chatJid, name);
	chat.unreadMessages++;
	chat.updatedAt = new Date();
	if (created) world.emit(instance, 'chats.upsert', [{ remoteJid: chatJid, instanceId: instance.id, name, unreadMessages: chat.unreadMessages }]);
	else world.emit(instance, 'chats.update', [{ remoteJid: chatJid, instanceId: instance.id }]);
}

export const isGroupSpec = (spec: IncomingSpec) => !!spec.group && isGroupJid(createJid(spec.group));
