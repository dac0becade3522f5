/** The sandbox's whole state: instances, the webhook dispatcher, the WhatsApp directory, faults. */
import { WhatsAppDirectory } from './domain/directory';
import type { InstanceState } from './domain/instance-state';
import { FaultInjector } from './control/faults';
import type { ResolvedOptions } from './options';
import { WebhookDispatcher } from './webhooks/dispatcher';

/** One message that went out to WhatsApp through a /message/send* route. */
export interface SentMessage {
	instance: string;
	id: string;
	remoteJid: string;
	messageType: string;
	/** The text, or the caption of media. */
	text: string | null;
	/** The typing delay the request asked for (ms). */
	delay: number | null;
	at: number;
}

export class SandboxWorld {
	readonly instances = new Map<string, InstanceState>();
	readonly directory = new WhatsAppDirectory();
	readonly faults = new FaultInjector();
	readonly dispatcher: WebhookDispatcher;
	/** Every message sent through the REST send routes, in order: what a test counts deliveries with. */
	readonly sends: SentMessage[] = [];
	/** The listening URL, known once fastify listens; the default server_url. */
	listeningUrl = 'http://127.0.0.1';

	constructor(readonly options: ResolvedOptions) {
		this.dispatcher = new WebhookDispatcher(options, () => this.options.serverUrl ?? this.listeningUrl);
	}

	/** Fire-and-forget emit, as most of Evolution's emits are. */
	emit(instance: InstanceState, event: string, data: unknown, extra?: Record<string, unknown>): Promise<void> {
		return this.dispatcher.emit(instance, event, data, extra);
	}

	/** Drops an instance and everything scheduled for it. */
	remove(instance: InstanceState): void {
		instance.cancelAll();
		if (this.instances.get(instance.name) === instance) this.instances.delete(instance.name);
	}

	close(): void {
		for (const instance of this.instances.values()) instance.cancelAll();
		this.dispatcher.close();
	}
}
