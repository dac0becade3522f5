import type { Logger } from '../logging/logger';
import type { InboxEvent, InboxPublisher, RealtimeSink } from './inbox-events';
import { withTypingEvents } from './presence-typing';
import type { TypingTracker } from './typing-tracker';

/**
 * The publisher the whole server uses (ingest, REST API, later outbox and AI): events come with the rows the inbox
 * shows; it adds typing on/off to WhatsApp presence once (not once per replica), then hands them to every sink (Redis pub/sub to all replicas; Supabase Realtime when configured). Publishing never fails the
 * write that already committed: a sink error is logged and dropped.
 */
export class InboxEventPublisher implements InboxPublisher {
	constructor(
		private readonly sinks: RealtimeSink[],
		/** Also used by the REST API and the socket for attendants' typing. */
		readonly typing: TypingTracker,
		private readonly logger: Logger,
	) {}

	/** Another destination for every published event (e.g. the history sync watching channels connect). */
	addSink(sink: RealtimeSink): void {
		this.sinks.push(sink);
	}

	async publish(workspaceId: string, events: InboxEvent[]): Promise<void> {
		if (events.length === 0) return;
		const stamped = events.map((e) => ({ ...e, at: e.at ?? Date.now() }));
		let withTyping: InboxEvent[];
		try {
			withTyping = await withTypingEvents(this.typing, workspaceId, stamped);
		} catch (error) {
			this.logger.warn({ err: (error as Error).message, workspaceId }, 'typing tracking failed; publishing the events without it');
			withTyping = stamped;
		}
		await Promise.all(
			this.sinks.map((sink) =>
				sink.send(workspaceId, withTyping).catch((error: Error) => this.logger.warn({ err: error.message, workspaceId }, 'realtime sink failed')),
			),
		);
	}
}
