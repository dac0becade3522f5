import type { MessageStatus } from '../provider-events';

// Evolution's message status names and their Baileys numbers (CONTRACT §3.5).
const BY_NAME: Record<string, MessageStatus> = {
	ERROR: 'failed',
	PENDING: 'sent',
	SERVER_ACK: 'server_ack',
	DELIVERY_ACK: 'delivered',
	READ: 'read',
	PLAYED: 'played',
};
const BY_NUMBER = ['ERROR', 'PENDING', 'SERVER_ACK', 'DELIVERY_ACK', 'READ', 'PLAYED'];

/** Maps an Evolution status (name or number) to ours; undefined for DELETED/EDITED and anything unknown. */
export function evolutionStatus(value: unknown): MessageStatus | undefined {
	const name = typeof value === 'number' ? BY_NUMBER[value] : typeof value === 'string' ? value.toUpperCase() : undefined;
	return name ? BY_NAME[name] : undefined;
}
