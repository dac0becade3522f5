/**
 * Seeds message history for findMessages/findChats without webhooks, fast enough for 100k rows:
 * rows are built directly, sharing the immutable parts between messages.
 */
import { randomBytes } from 'node:crypto';

import { cuid, lidFor } from '../domain/ids';
import type { InstanceState, StoredMessage } from '../domain/instance-state';
import { messageContextInfo, outgoingContextInfo } from '../domain/protobuf';
import { ensureChat } from '../messages/message-row';

export interface SeedRequest {
	messages: number;
	chats: number;
	/** Epoch seconds of the oldest message; default 30 days ago. */
	since?: number;
	/** Epoch seconds of the newest message; default now. */
	until?: number;
	/** First phone number of the seeded chats; the others follow it. Default 5511970000001. */
	firstNumber?: string;
	/**
	 * How the chats are addressed (CONTRACT §3.4): `pn` (default) stores the phone JID as remoteJid with the @lid as
	 * remoteJidAlt on incoming rows; `lid` is a chat WhatsApp moved to LID addressing: the DB copy keeps the @lid as
	 * remoteJid with the phone JID as remoteJidAlt on every row, and the Chat row is the @lid.
	 */
	addressing?: 'pn' | 'lid';
}

export function seedHistory(instance: InstanceState, request: SeedRequest): { messages: number; chats: string[] } {
	const until = request.until ?? Math.floor(Date.now() / 1000);
	const since = request.since ?? until - 30 * 86400;
	const chatCount = Math.max(1, request.chats);
	const first = BigInt(request.firstNumber ?? '5511970000001');
	const chats = Array.from({ length: chatCount }, (_, index) => {
		const number = (first + BigInt(index)).toString();
		const jid = `${number}@s.whatsapp.net`;
		const pushName = `Customer ${index + 1}`;
		const now = new Date();
		if (!instance.contacts.has(jid))
			instance.contacts.set(jid, { id: cuid(), remoteJid: jid, pushName, profilePicUrl: null, createdAt: now, updatedAt: now });
		const lid = lidFor(number);
		ensureChat(instance, request.addressing === 'lid' ? lid : jid, pushName);
		return { jid, lid, pushName, context: messageContextInfo() };
	});
	const outgoingContext = outgoingContextInfo();
	const span = Math.max(0, until - since);
	const total = Math.max(0, request.messages);
	const idBytes = randomBytes(total * 9);
	for (let index = 0; index < total; index++) {
		const chat = chats[index % chatCount];
		// Every third message of each chat is ours.
		const fromMe = Math.floor(index / chatCount) % 3 === 2;
		const idHex = idBytes.subarray(index * 9, index * 9 + 9).toString('hex').toUpperCase();
		const id = fromMe ? '3EB0' + idHex : '3A' + idHex;
		const text = fromMe ? `Resposta ${index + 1}` : `Mensagem ${index + 1}`;
		const row: StoredMessage = {
			id: cuid(),
			key:
				request.addressing === 'lid'
					? { remoteJid: chat.lid, remoteJidAlt: chat.jid, fromMe, id, addressingMode: 'lid' }
					: fromMe
						? { remoteJid: chat.jid, fromMe: true, id }
						: { remoteJid: chat.jid, remoteJidAlt: chat.lid, fromMe: false, id, addressingMode: 'pn' },
			pushName: fromMe ? 'Você' : chat.pushName,
			participant: null,
			messageType: 'conversation',
			message: fromMe ? { conversation: text } : { conversation: text, messageContextInfo: chat.context },
			contextInfo: fromMe ? outgoingContext : null,
			source: fromMe ? 'web' : 'ios',
			messageTimestamp: total === 1 ? until : since + Math.floor((span * index) / (total - 1)),
			instanceId: instance.id,
			status: fromMe ? 'READ' : 'DELIVERY_ACK',
			sessionId: null,
			updates: fromMe ? [{ id: cuid(), status: 'DELIVERY_ACK' }, { id: cuid(), status: 'READ' }] : [],
		};
		instance.addMessage(row);
	}
	return { messages: total, chats: chats.map((chat) => chat.jid) };
}
