/**
 * What Baileys' initial sync produces right after login: contacts.upsert (array) then
 * contacts.update (array, with the pictures), and with syncFullHistory the chats.set and
 * messages.set batches (messageRaw[] without base64, with top-level isLatest/progress).
 */
import type { InstanceState, StoredMessage } from '../domain/instance-state';
import type { SandboxWorld } from '../world';

const BATCH = 500;

export function emitInitialSync(world: SandboxWorld, instance: InstanceState): void {
	const contacts = [...instance.contacts.values()].filter((contact) => !contact.remoteJid.endsWith('@g.us'));
	if (contacts.length > 0) {
		const rows = contacts.map((contact) => ({ remoteJid: contact.remoteJid, pushName: contact.pushName, profilePicUrl: null, instanceId: instance.id }));
		world.emit(instance, 'contacts.upsert', rows);
		world.emit(
			instance,
			'contacts.update',
			contacts.map((contact) => ({ remoteJid: contact.remoteJid, pushName: contact.pushName, profilePicUrl: contact.profilePicUrl, instanceId: instance.id })),
		);
	}
	if (!instance.settings.syncFullHistory) return;
	const chats = [...instance.chats.values()];
	if (chats.length > 0) world.emit(instance, 'chats.set', chats.map((chat) => ({ remoteJid: chat.remoteJid, instanceId: instance.id, name: chat.name })));
	const messages = instance.messages;
	for (let start = 0; start < messages.length; start += BATCH) {
		const batch = messages.slice(start, start + BATCH).map(historyRaw);
		const end = Math.min(messages.length, start + BATCH);
		world.emit(instance, 'messages.set', batch, { isLatest: end === messages.length, progress: Math.round((end / messages.length) * 100) });
	}
}

/** History messages come as Baileys sends them: a bare key and no messageContextInfo. */
function historyRaw(row: StoredMessage) {
	const message = { ...row.message };
	delete message.messageContextInfo;
	return {
		key: { remoteJid: row.key.remoteJid, fromMe: row.key.fromMe, id: row.key.id },
		pushName: row.pushName,
		status: row.status,
		message,
		messageType: row.messageType,
		messageTimestamp: row.messageTimestamp,
		instanceId: row.instanceId,
		source: row.source,
	};
}
