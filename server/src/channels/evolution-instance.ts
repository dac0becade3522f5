import { EvolutionError, type EvolutionClient } from '../providers/evolution/evolution-client';
import { WEBHOOK_SECRET_HEADER } from './webhook-secret';

/**
 * The events the server reads (providers/evolution/evolution-normaliser.ts); the others are not sent at all, so
 * Evolution spends nothing on them. Names are the filter values of CONTRACT §3.2.
 */
export const SERVER_WEBHOOK_EVENTS = [
	'MESSAGES_UPSERT',
	'MESSAGES_SET',
	'MESSAGES_UPDATE',
	'MESSAGES_DELETE',
	'MESSAGES_EDITED',
	'SEND_MESSAGE',
	'SEND_MESSAGE_UPDATE',
	'CONTACTS_UPSERT',
	'CONTACTS_UPDATE',
	'PRESENCE_UPDATE',
	'CONNECTION_UPDATE',
	'QRCODE_UPDATED',
	'STATUS_INSTANCE',
	'LOGOUT_INSTANCE',
] as const;

/** The instance webhook as Evolution stores it (GET /webhook/find): what a take-over saves and restores. */
export interface EvolutionWebhookRow {
	url: string;
	enabled: boolean;
	headers: Record<string, string> | null;
	events: string[];
	webhookByEvents: boolean;
	webhookBase64: boolean;
}

/** Our webhook on an instance: the channel's URL, the secret as a custom header, the events we use, media inline. */
export function serverWebhook(url: string, secret: string) {
	return { url, byEvents: false, base64: true, headers: { [WEBHOOK_SECRET_HEADER]: secret }, events: [...SERVER_WEBHOOK_EVENTS] };
}

export interface QrAnswer {
	pairingCode?: string | null;
	code?: string;
	base64?: string;
	count?: number;
}

export type ConnectAnswer = { open: true } | { open: false; qr: QrAnswer };

/** Instance calls of the lifecycle, on top of the generic client. */
export class EvolutionInstance {
	constructor(
		readonly client: EvolutionClient,
		readonly name: string,
	) {}

	/** POST /instance/create with the webhook in place (needs the global key); answers the instance token and id. */
	async create(webhook: ReturnType<typeof serverWebhook>): Promise<{ token: string | null; instanceId: string | null }> {
		const answer = await this.client.request<{ hash?: unknown; instance?: { instanceId?: string } }>('POST', '/instance/create', {
			instanceName: this.name,
			integration: 'WHATSAPP-BAILEYS',
			qrcode: false,
			webhook,
		});
		return { token: typeof answer.hash === 'string' ? answer.hash : null, instanceId: answer.instance?.instanceId ?? null };
	}

	/** null when the instance has no webhook; throws EvolutionError 404 when the instance does not exist. */
	findWebhook(): Promise<EvolutionWebhookRow | null> {
		return this.client.request<EvolutionWebhookRow | null>('GET', '/webhook/find', undefined, { instance: this.name }).then((row) => row ?? null);
	}

	async setWebhook(webhook: { url: string; enabled?: boolean; headers?: Record<string, string> | null; events: string[]; byEvents?: boolean; base64?: boolean }): Promise<void> {
		await this.client.request('POST', '/webhook/set', { webhook: { enabled: true, ...webhook } }, { instance: this.name });
	}

	/** Starts (or continues) pairing; with a phone number Evolution also gives an 8-character pairing code. */
	async connect(phoneNumber?: string, timeout?: number): Promise<ConnectAnswer> {
		const answer = await this.client.request<QrAnswer & { instance?: { state?: string } }>('GET', '/instance/connect', undefined, {
			instance: this.name,
			query: phoneNumber ? { number: phoneNumber } : undefined,
			timeout,
		});
		if (answer?.instance?.state === 'open') return { open: true };
		return { open: false, qr: answer ?? {} };
	}

	async connectionState(timeout?: number): Promise<string | undefined> {
		const answer = await this.client.request<{ instance?: { state?: string } }>('GET', '/instance/connectionState', undefined, { instance: this.name, timeout });
		return answer?.instance?.state;
	}

	async restart(): Promise<void> {
		await this.client.request('POST', '/instance/restart', undefined, { instance: this.name });
	}

	async logout(): Promise<void> {
		await this.client.request('DELETE', '/instance/logout', undefined, { instance: this.name });
	}

	async remove(): Promise<void> {
		await this.client.request('DELETE', '/instance/delete', undefined, { instance: this.name });
	}
}

export function isNotFound(error: unknown): boolean {
	return error instanceof EvolutionError && error.status === 404;
}
