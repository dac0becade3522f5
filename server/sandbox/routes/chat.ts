/** /chat/*: lookups, read state, presence, history queries, media download, edits, deletes, profile. */
import { cuid } from '../domain/ids';
import { createJid, isGroupJid, isLidJid, jidUser } from '../domain/jid';
import { long } from '../domain/protobuf';
import { badRequest, EvolutionError, RawReply } from '../http/errors';
import { defineRoute, type JsonBody, type RouteDeps } from '../http/route';
import { schemas } from '../http/schemas';
import { validateBody } from '../http/validate';
import { extensionFor } from '../messages/media-source';
import { type Presence, subscribePresence } from '../messages/presence';
import { findChats, findContacts, findMessages, findStatusMessages, type FindMessagesQuery, type FindStatusMessageQuery } from '../messages/queries';
import { requireSocket, whatsappLookup } from '../messages/sender';
import { fakeProfilePictureUrl } from '../domain/profile';

type Key = { id: string; remoteJid: string; fromMe: boolean; participant?: string };

export function registerChatRoutes(deps: RouteDeps): void {
	const { world } = deps;

	defineRoute(deps, {
		method: 'POST',
		path: '/chat/whatsappNumbers',
		status: 200,
		handler: ({ instance, body }) => {
			const lookupAll = () => {
				const data = validateBody<{ numbers?: string[] }>(body, schemas.whatsappNumbers);
				requireSocket(instance);
				return (data.numbers ?? []).map((number) => {
					const lookup = whatsappLookup(world, instance, number);
					if (!lookup.exists) return { jid: lookup.jid, exists: false, number: lookup.number };
					const name = instance.contacts.get(lookup.jid)?.pushName ?? instance.groups.get(lookup.jid)?.subject;
					return { jid: lookup.jid, exists: true, number: lookup.number, ...(name ? { name } : {}) };
				});
			};
			let failure: unknown;
			try {
				return lookupAll();
			} catch (error) {
				failure = error;
			}
			// This route answers 400 with the raw thrown object: {} for a JS error, no `response` for exceptions.
			if (failure instanceof EvolutionError && failure.status === 400)
				throw new RawReply(400, { status: failure.status, error: failure.errorText, message: failure.responseMessage });
			throw new RawReply(400, {});
		},
	});

	defineRoute(deps, {
		method: 'POST',
		path: '/chat/markMessageAsRead',
		status: 201,
		handler: ({ instance, body }) => {
			const data = validateBody<{ readMessages: Key[] }>(body, schemas.markMessageAsRead);
			requireSocket(instance, 'readMessages');
			for (const key of data.readMessages) {
				if (isLidJid(key.remoteJid)) continue;
				const chat = instance.chats.get(key.remoteJid);
				if (chat) chat.unreadMessages = 0;
			}
			return { message: 'Read messages', read: 'success' };
		},
	});

	const chatIdOf = (body: JsonBody) => body.chat ?? body.lastMessage?.key?.remoteJid;

	defineRoute(deps, {
		method: 'POST',
		path: '/chat/archiveChat',
		status: 201,
		handler: ({ instance, body }) => {
			const data = validateBody<{ archive: boolean }>(body, schemas.archiveChat);
			requireSocket(instance, 'chatModify');
			const chatId = chatIdOf(body);
			const chat = instance.chats.get(chatId);
			if (chat) chat.archived = data.archive;
			return { chatId, archived: true };
		},
	});

	defineRoute(deps, {
		method: 'POST',
		path: '/chat/markChatUnread',
		status: 201,
		handler: ({ instance, body }) => {
			validateBody(body, schemas.markChatUnread);
			requireSocket(instance, 'chatModify');
			const chatId = chatIdOf(body);
			const chat = instance.chats.get(chatId);
			if (chat) chat.unreadMessages = Math.max(chat.unreadMessages, 1);
			return { chatId, markedChatUnread: true };
		},
	});

	defineRoute(deps, {
		method: 'POST',
		path: '/chat/sendPresence',
		status: 201,
		handler: async ({ instance, body }) => {
			const data = validateBody<{ number: string; presence: Presence; delay: number }>(body, schemas.sendPresence);
			requireSocket(instance, 'presenceSubscribe');
			const jid = createJid(data.number);
			subscribePresence(world, instance, jid);
			const wait = Math.min(Math.max(0, data.delay), world.options.maxSendDelayMs);
			await new Promise((resolve) => instance.schedule(wait, () => resolve(undefined)));
			return { presence: data.presence };
		},
	});

	defineRoute(deps, {
		method: 'POST',
		path: '/chat/findMessages',
		status: 200,
		handler: ({ instance, body }) => findMessages(instance, validateBody<FindMessagesQuery>(body, schemas.findMessages)),
	});

	defineRoute(deps, {
		method: 'POST',
		path: '/chat/findStatusMessage',
		status: 200,
		handler: ({ instance, body }) => findStatusMessages(instance, validateBody<FindStatusMessageQuery>(body, schemas.findStatusMessage)),
	});

	defineRoute(deps, {
		method: 'POST',
		path: '/chat/findChats',
		status: 200,
		handler: ({ instance, body }) => {
			const chats = findChats(instance, body.where ?? {});
			const skip = typeof body.skip === 'number' ? body.skip : 0;
			const take = typeof body.take === 'number' ? body.take : chats.length;
			return chats.slice(skip, skip + take);
		},
	});

	defineRoute(deps, {
		method: 'POST',
		path: '/chat/findContacts',
		status: 200,
		handler: ({ instance, body }) => {
			const data = validateBody<{ where?: Record<string, string>; page?: number; offset?: number }>(body, schemas.findContacts);
			const contacts = findContacts(instance, data.where ?? {});
			if (typeof data.offset !== 'number') return contacts;
			const skip = data.offset * ((typeof data.page === 'number' ? data.page : 1) - 1);
			return contacts.slice(skip, skip + data.offset);
		},
	});

	defineRoute(deps, {
		method: 'GET',
		path: '/chat/findChatByRemoteJid',
		status: 200,
		handler: ({ instance, query }) => {
			if (!query.remoteJid) throw new RawReply(400, { error: 'remoteJid is a required query parameter' });
			const chat = instance.chats.get(query.remoteJid);
			return chat
				? { id: chat.id, remoteJid: chat.remoteJid, name: chat.name, labels: null, createdAt: chat.createdAt, updatedAt: chat.updatedAt, instanceId: instance.id, unreadMessages: chat.unreadMessages }
				: null;
		},
	});

	defineRoute(deps, {
		method: 'POST',
		path: '/chat/getBase64FromMediaMessage',
		status: 201,
		handler: ({ instance, body }) => {
			const id = body.message?.key?.id;
			const row = id ? instance.messagesByKeyId.get(id) : undefined;
			const blob = id ? instance.media.get(id) : undefined;
			if (!row || !blob) throw badRequest('Message not found');
			const content = (row.message[row.messageType] ?? {}) as JsonBody;
			const size: Record<string, unknown> = { fileLength: content.fileLength ?? long(blob.data.length, true) };
			if (content.height !== undefined) size.height = content.height;
			if (content.width !== undefined) size.width = content.width;
			if (content.seconds !== undefined) size.seconds = content.seconds;
			return {
				mediaType: row.messageType,
				fileName: row.messageType === 'documentMessage' && blob.fileName ? blob.fileName : `${row.key.id}.${extensionFor(blob.mimetype)}`,
				caption: content.caption,
				size,
				mimetype: blob.mimetype,
				base64: blob.data.toString('base64'),
				buffer: null,
			};
		},
	});

	defineRoute(deps, {
		method: 'POST',
		path: '/chat/fetchProfilePictureUrl',
		status: 200,
		handler: ({ instance, body }) => {
			validateBody(body, schemas.profilePicture);
			requireSocket(instance, 'profilePictureUrl');
			const jid = createJid(String(body.number ?? instance.wuid ?? ''));
			const contact = instance.contacts.get(jid);
			const url = contact ? contact.profilePicUrl : world.directory.exists(jidUser(jid)) ? fakeProfilePictureUrl(jid) : null;
			return { wuid: jid, profilePictureUrl: url };
		},
	});

	defineRoute(deps, {
		method: 'POST',
		path: '/chat/updateMessage',
		status: 200,
		handler: ({ instance, body }) => {
			const data = validateBody<{ number: string; text: string; key: Key }>(body, schemas.updateMessage);
			requireSocket(instance, 'sendMessage');
			const row = instance.messagesByKeyId.get(data.key.id);
			if (!row) throw badRequest('Message not found');
			if (!row.key.fromMe) throw badRequest('You cannot edit others messages');
			const jid = createJid(data.number ?? row.key.remoteJid);
			const editedMessage = { conversation: data.text };
			row.message = { ...editedMessage };
			row.messageType = 'conversation';
			row.status = 'EDITED';
			const timestampMs = String(Date.now());
			const protocolMessage = { key: { remoteJid: jid, fromMe: true, id: data.key.id }, type: 'MESSAGE_EDIT', editedMessage, timestampMs };
			world.emit(instance, 'send.message.update', protocolMessage);
			// The raw WebMessageInfo of the edit, in protobuf-JSON (int64 as strings, enums as names).
			return {
				key: { remoteJid: jid, fromMe: true, id: cuid().toUpperCase().slice(0, 22) },
				message: { protocolMessage },
				messageTimestamp: String(Math.floor(Date.now() / 1000)),
				status: 'PENDING',
			};
		},
	});

	defineRoute(deps, {
		method: 'DELETE',
		path: '/chat/deleteMessageForEveryone',
		status: 201,
		handler: ({ instance, body }) => {
			const data = validateBody<Key>(body, schemas.deleteMessage);
			requireSocket(instance, 'sendMessage');
			const row = instance.messagesByKeyId.get(data.id);
			const key = { remoteJid: data.remoteJid, fromMe: data.fromMe, id: data.id, ...(data.participant ? { participant: data.participant } : {}) };
			if (row) {
				row.status = 'DELETED';
				world.emit(instance, 'messages.delete', {
					id: row.id,
					instanceId: instance.id,
					key: { ...row.key, deleted: true },
					messageType: row.messageType,
					status: 'DELETED',
					source: row.source,
					messageTimestamp: row.messageTimestamp,
					pushName: row.pushName,
					participant: row.participant,
					message: row.message,
				});
			}
			return {
				key: { remoteJid: data.remoteJid, fromMe: true, id: '3EB0' + cuid().toUpperCase().slice(0, 18) },
				message: { protocolMessage: { key, type: 'REVOKE' } },
				messageTimestamp: String(Math.floor(Date.now() / 1000)),
				status: 'PENDING',
			};
		},
	});

	defineRoute(deps, {
		method: 'POST',
		path: '/chat/updateBlockStatus',
		status: 201,
		handler: ({ instance, body }) => {
			const data = validateBody<{ number: string; status: 'block' | 'unblock' }>(body, schemas.blockUser);
			requireSocket(instance, 'updateBlockStatus');
			const jid = createJid(data.number);
			if (data.status === 'block') instance.blocked.add(jid);
			else instance.blocked.delete(jid);
			return { block: 'success' };
		},
	});

	defineRoute(deps, {
		method: 'POST',
		path: '/chat/fetchProfile',
		status: 200,
		handler: ({ instance, body }) => {
			requireSocket(instance, 'onWhatsApp');
			const jid = body.number ? createJid(String(body.number)) : (instance.wuid as string);
			const own = jid === instance.wuid;
			const exists = own || isGroupJid(jid) || world.directory.exists(jidUser(jid));
			const contact = instance.contacts.get(jid);
			return {
				wuid: jid,
				name: own ? instance.profileName : (contact?.pushName ?? null),
				numberExists: exists,
				picture: own ? instance.profilePicUrl : exists ? (contact?.profilePicUrl ?? fakeProfilePictureUrl(jid)) : null,
				status: own ? instance.profileStatus : exists ? 'Hey there! I am using WhatsApp.' : null,
				isBusiness: false,
				email: undefined,
				description: undefined,
				website: undefined,
			};
		},
	});

	defineRoute(deps, {
		method: 'POST',
		path: '/chat/updateProfileName',
		status: 200,
		handler: ({ instance, body }) => {
			const data = validateBody<{ name?: string }>(body, schemas.profileName);
			requireSocket(instance, 'updateProfileName');
			instance.profileName = data.name ?? instance.profileName;
			instance.touch();
			return { update: 'success' };
		},
	});
	defineRoute(deps, {
		method: 'POST',
		path: '/chat/updateProfileStatus',
		status: 200,
		handler: ({ instance, body }) => {
			const data = validateBody<{ status?: string }>(body, schemas.profileStatus);
			requireSocket(instance, 'updateProfileStatus');
			instance.profileStatus = data.status ?? instance.profileStatus;
			return { update: 'success' };
		},
	});
	defineRoute(deps, {
		method: 'POST',
		path: '/chat/updateProfilePicture',
		status: 200,
		handler: ({ instance, body }) => {
			validateBody(body, schemas.profilePicture);
			requireSocket(instance, 'updateProfilePicture');
			instance.profilePicUrl = fakeProfilePictureUrl(instance.wuid ?? instance.name);
			instance.touch();
			return { update: 'success' };
		},
	});
	defineRoute(deps, {
		method: 'DELETE',
		path: '/chat/removeProfilePicture',
		status: 200,
		handler: ({ instance }) => {
			requireSocket(instance, 'removeProfilePicture');
			instance.profilePicUrl = null;
			instance.touch();
			return { update: 'success' };
		},
	});
}
