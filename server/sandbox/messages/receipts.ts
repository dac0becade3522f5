/**
 * The receipts WhatsApp sends back for our 1:1 messages, as messages.update webhooks
 * (SERVER_ACK → DELIVERY_ACK → READ, and PLAYED for voice notes), each followed by chats.upsert.
 * Group receipts arrive as message-receipt.update, which Evolution does not webhook.
 */
import { cuid } from '../domain/ids';
import { isGroupJid } from '../domain/jid';
import type { InstanceState, StoredMessage } from '../domain/instance-state';
import type { SandboxWorld } from '../world';

export function scheduleReceipts(world: SandboxWorld, instance: InstanceState, row: StoredMessage): void {
	if (isGroupJid(row.key.remoteJid)) return;
	const delays = world.options.ackDelaysMs;
	const steps: Array<[string, number]> = [
		['SERVER_ACK', delays.serverAck],
		['DELIVERY_ACK', delays.delivery],
		['READ', delays.read],
	];
	const audio = row.message.audioMessage as { ptt?: boolean } | undefined;
	if (audio?.ptt) steps.push(['PLAYED', delays.played]);
	for (const [status, delay] of steps) instance.schedule(delay, () => applyReceipt(world, instance, row, status));
}

export function applyReceipt(world: SandboxWorld, instance: InstanceState, row: StoredMessage, status: string): void {
	if (!instance.messagesByKeyId.has(row.key.id)) return;
	row.status = status;
	row.updates.push({ id: cuid(), status });
	world.emit(instance, 'messages.update', {
		keyId: row.key.id,
		remoteJid: row.key.remoteJid,
		fromMe: row.key.fromMe,
		status,
		instanceId: instance.id,
		messageId: row.id,
	});
	if (instance.chats.has(row.key.remoteJid))
		world.emit(instance, 'chats.upsert', [{ remoteJid: row.key.remoteJid, instanceId: instance.id, unreadMessages: 0 }]);
}
