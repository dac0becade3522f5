/** The read side of the Message/Chat/Contact tables: findMessages, findChats, findContacts. */
import type { InstanceState, StoredMessage } from '../domain/instance-state';
import { isGroupJid, jidUser } from '../domain/jid';
import { badRequest } from '../http/errors';

export interface FindMessagesQuery {
	where?: {
		key?: { remoteJid?: string; fromMe?: boolean; id?: string; participant?: string; remoteJidAlt?: string };
		id?: string;
		messageType?: string;
		source?: string;
		messageTimestamp?: { gte?: string | number; lte?: string | number };
	};
	page?: unknown;
	offset?: unknown;
}

/** 2.3.7 fetchMessages: newest first, remoteJid matches remoteJid OR remoteJidAlt, fromMe:false ignored. */
export function findMessages(instance: InstanceState, query: FindMessagesQuery) {
	const where = query.where ?? {};
	const key = where.key ?? {};
	const page = query.page ?? 1;
	const offset = query.offset ?? 50;
	if (typeof page !== 'number' || typeof offset !== 'number') throw badRequest('page and offset must be numbers');
	let range: [number, number] | undefined;
	if (where.messageTimestamp?.gte !== undefined && where.messageTimestamp?.lte !== undefined)
		range = [toSeconds(where.messageTimestamp.gte), toSeconds(where.messageTimestamp.lte)];
	// By chat: only that chat's rows (same order as instance.messages, so the newest-first tie-break below holds).
	const rows = key.remoteJid ? (instance.messagesByChatJid.get(key.remoteJid) ?? []) : instance.messages;
	const matches = rows.filter(
		(row) =>
			(!where.id || row.id === where.id) &&
			(!where.messageType || row.messageType === where.messageType) &&
			(!where.source || row.source === where.source) &&
			(!key.id || row.key.id === key.id) &&
			(!key.fromMe || row.key.fromMe === true) &&
			(!key.participant || row.key.participant === key.participant) &&
			(!key.remoteJidAlt || row.key.remoteJidAlt === key.remoteJidAlt) &&
			(!key.remoteJid || row.key.remoteJid === key.remoteJid || row.key.remoteJidAlt === key.remoteJid) &&
			(!range || (row.messageTimestamp >= range[0] && row.messageTimestamp <= range[1])),
	);
	// Stable newest-first: equal timestamps keep insertion order reversed.
	const ordered = matches
		.map((row, index) => ({ row, index }))
		.sort((a, b) => b.row.messageTimestamp - a.row.messageTimestamp || b.index - a.index)
		.map(({ row }) => row);
	const pageSize = Math.max(1, offset);
	const skip = pageSize * (page - 1);
	return {
		messages: {
			total: ordered.length,
			pages: Math.ceil(ordered.length / pageSize),
			currentPage: page,
			records: ordered.slice(skip, skip + pageSize).map(messageRecord),
		},
	};
}

/** A findMessages record: the row without `status`, with MessageUpdate[] and pushName filled in. */
export function messageRecord(row: StoredMessage) {
	return {
		id: row.id,
		key: row.key,
		pushName: row.pushName || (row.key.fromMe ? 'Você' : jidUser(row.key.participant ?? row.key.remoteJid)),
		messageType: row.messageType,
		message: row.message,
		messageTimestamp: row.messageTimestamp,
		instanceId: row.instanceId,
		source: row.source,
		contextInfo: row.contextInfo,
		MessageUpdate: row.updates.map((update) => ({ status: update.status })),
	};
}

const toSeconds = (value: string | number) => Math.floor(new Date(value).getTime() / 1000);

/** findChats' trimmed lastMessage.message: media → {caption}, documents → {caption,name}, audio → {seconds}. */
function trimMessage(row: StoredMessage): Record<string, unknown> {
	const content = row.message[row.messageType] as Record<string, unknown> | undefined;
	switch (row.messageType) {
		case 'imageMessage':
		case 'videoMessage':
		case 'ptvMessage':
			return { [row.messageType]: { caption: content?.caption } };
		case 'documentMessage':
			return { [row.messageType]: { caption: content?.caption, name: content?.fileName } };
		case 'audioMessage':
			return { [row.messageType]: { seconds: content?.seconds } };
		case 'stickerMessage':
			return { [row.messageType]: {} };
		default:
			return content === undefined ? {} : { [row.messageType]: content };
	}
}

/** findChats keeps only the quote part of contextInfo (what its raw SQL selects). */
function quoteOnly(context: Record<string, unknown> | null): Record<string, unknown> | null {
	if (!context?.stanzaId) return null;
	return { stanzaId: context.stanzaId, participant: context.participant, quotedMessage: context.quotedMessage };
}

export function findChats(instance: InstanceState, where: { remoteJid?: string } = {}) {
	const latest = new Map<string, StoredMessage>();
	const lastIncoming = new Map<string, number>();
	for (const row of instance.messages) {
		const jid = row.key.remoteJid;
		const current = latest.get(jid);
		if (!current || row.messageTimestamp >= current.messageTimestamp) latest.set(jid, row);
		if (!row.key.fromMe) lastIncoming.set(jid, Math.max(lastIncoming.get(jid) ?? 0, row.messageTimestamp));
	}
	return [...latest.entries()]
		.filter(([jid]) => !where.remoteJid || jid === where.remoteJid)
		.sort((a, b) => b[1].messageTimestamp - a[1].messageTimestamp)
		.map(([jid, row]) => {
			const contact = instance.contacts.get(jid);
			const incoming = lastIncoming.get(jid);
			const windowStart = incoming ? new Date(incoming * 1000) : null;
			const windowExpires = incoming ? new Date((incoming + 86400) * 1000) : null;
			return {
				id: contact?.id ?? null,
				remoteJid: jid,
				pushName: contact?.pushName ?? instance.groups.get(jid)?.subject ?? null,
				profilePicUrl: contact?.profilePicUrl ?? null,
				updatedAt: new Date(row.messageTimestamp * 1000),
				windowStart,
				windowExpires,
				windowActive: !!windowExpires && windowExpires.getTime() > Date.now(),
				lastMessage: {
					id: row.id,
					key: row.key,
					pushName: row.key.fromMe ? 'Você' : row.pushName,
					participant: row.participant,
					messageType: row.messageType,
					message: trimMessage(row),
					contextInfo: quoteOnly(row.contextInfo),
					source: row.source,
					messageTimestamp: row.messageTimestamp,
					instanceId: row.instanceId,
					sessionId: row.sessionId,
					status: row.status,
				},
				unreadCount: instance.chats.get(jid)?.unreadMessages ?? 0,
				isSaved: !!contact,
			};
		});
}

export function findContacts(instance: InstanceState, where: { id?: string; remoteJid?: string; pushName?: string } = {}) {
	const contacts = [...instance.contacts.values()].map((contact) => ({
		...contact,
		instanceId: instance.id,
		isGroup: isGroupJid(contact.remoteJid),
		isSaved: true,
		type: isGroupJid(contact.remoteJid) ? 'group' : 'contact',
	}));
	return contacts.filter(
		(contact) =>
			(!where.id || contact.id === where.id) &&
			(!where.remoteJid || contact.remoteJid === where.remoteJid) &&
			(!where.pushName || contact.pushName.includes(where.pushName)),
	);
}

export interface FindStatusMessageQuery {
	where?: { remoteJid?: string; id?: string };
	page?: number;
	offset?: number;
}

/**
 * 2.3.7 fetchStatusMessage: the MessageUpdate rows (the receipts of our messages), filtered by chat and by
 * message key id, one page of `offset` rows when `offset` is given. A chat without receipts gives `[]`.
 */
export function findStatusMessages(instance: InstanceState, query: FindStatusMessageQuery) {
	const where = query.where ?? {};
	const rows = instance.messages.flatMap((message) =>
		(!where.remoteJid || message.key.remoteJid === where.remoteJid) && (!where.id || message.key.id === where.id)
			? message.updates.map((update) => ({
					id: update.id,
					keyId: message.key.id,
					remoteJid: message.key.remoteJid,
					fromMe: message.key.fromMe,
					participant: message.key.participant ?? null,
					pollUpdates: null,
					status: update.status,
					instanceId: instance.id,
					messageId: message.id,
				}))
			: [],
	);
	if (typeof query.offset !== 'number') return rows;
	const skip = query.offset * ((typeof query.page === 'number' ? query.page : 1) - 1);
	return rows.slice(skip, skip + query.offset);
}
