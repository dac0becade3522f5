import type { Db } from '../db/db';
import type { ThreadMessage } from '../inbox/messages/message-view';
import type { Logger } from '../logging/logger';
import type { InboxEvent, RealtimeSink } from '../realtime/inbox-events';
import { matchChoice } from './reply-choice';
import type { ReplyWaitQueue } from './reply-wait-queue';
import { closeReplyWait, conversationContact, openWaits } from './reply-waits';

// Not something the contact said to answer: a reaction, a system line, an attendant's note.
const NOT_A_REPLY = new Set(['reaction', 'system', 'note', 'unknown']);

/**
 * A realtime sink on the server's publisher: ingest's message.created events (after commit) close the conversation's
 * open waits with the contact's message and queue their resume. The close is a conditional UPDATE, so a message
 * announced twice (a webhook delivered again, two replicas) resumes a wait once.
 */
export class ReplyListener implements RealtimeSink {
	private readonly inFlight = new Set<Promise<void>>();

	constructor(private readonly deps: { db: Db; logger: Logger; queue: ReplyWaitQueue }) {}

	async send(workspaceId: string, events: InboxEvent[]): Promise<void> {
		for (const event of events) {
			if (event.type !== 'message.created' || !event.conversationId) continue;
			const message = event.data.message as ThreadMessage | undefined;
			if (!message || message.direction !== 'inbound' || message.fromMe || NOT_A_REPLY.has(message.type)) continue;
			const work: Promise<void> = this.answer(workspaceId, event.conversationId, message)
				.catch((error: Error) => this.deps.logger.warn({ err: error.message, conversationId: event.conversationId }, 'reply wait: not answered'))
				.finally(() => this.inFlight.delete(work));
			this.inFlight.add(work);
		}
	}

	async answer(workspaceId: string, conversationId: string, message: ThreadMessage): Promise<void> {
		const { db, queue } = this.deps;
		const waits = await openWaits(db, workspaceId, conversationId, message.id);
		if (!waits.length) return;
		const contact = await conversationContact(db, workspaceId, conversationId);
		const text = message.body ?? message.transcript ?? null;
		for (const wait of waits) {
			const choice = matchChoice(wait.choices, text);
			const reply = { text, messageId: message.id, type: message.type, ...(choice !== undefined ? { choice } : {}) };
			const payload = { waitId: wait.id, timedOut: false, reply, conversationId, contact };
			if (!(await closeReplyWait(db, workspaceId, wait.id, 'answered', payload, message.id))) continue;
			await queue.cancelTimeout(wait.id);
			await queue.resume(workspaceId, wait.id);
		}
	}

	/** Waits for the answers under way (the server stops after them). */
	async drain(): Promise<void> {
		while (this.inFlight.size) await Promise.all([...this.inFlight]);
	}
}
