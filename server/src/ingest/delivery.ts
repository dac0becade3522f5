import type { ProviderEvent } from '../providers/provider-events';

/** One accepted webhook: its channel, what it means, and what the audit log keeps of it. */
export interface Delivery {
	workspaceId: string;
	channelId: string;
	provider: 'evolution' | 'waha';
	event: string;
	events: ProviderEvent[];
	/** Why a valid delivery carries no events (an event the inbox does not use). */
	ignored?: string;
	bodySha256: string;
	/** Compacted body (no media blobs) as JSON text. */
	auditPayload: string;
	receivedAt: number;
}

export type DeliveryOutcome = 'processed' | 'duplicate' | 'ignored';
