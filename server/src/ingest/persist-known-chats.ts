import type { Queryable } from '../db/db';
import { writeMessages } from '../messages/message-batch-write';
import { markOptedOut, optOutsOf } from '../outbox/opt-out';
import { emitMessageWrites, isMessageDelivery, messageWrites, type Emit } from './batch-messages';
import type { Delivery, DeliveryOutcome } from './delivery';
import type { PersistResult } from './persist-deliveries';

/**
 * The steady state of ingest: the batch's chat messages from people we know, in conversations that exist, written in
 * one statement that commits by itself (see writeMessages). Returns the outcomes of the deliveries it wrote, by index;
 * the others (new people, reactions, acks, presence…) are for persistDeliveries, which runs them in a transaction.
 * `wrote` lists the deliveries some of whose messages were stored even though the delivery is not finished here.
 */
export async function persistKnownChatMessages(db: Queryable, deliveries: Delivery[]): Promise<{ outcomes: Map<number, DeliveryOutcome>; events: PersistResult['events']; wrote: Set<number> }> {
	// Reactions change the reactions table too, in the same transaction as their message: not for this path.
	const candidates = deliveries.flatMap((d, i) => (isMessageDelivery(d) && d.events.every((e) => e.kind === 'message' && !e.message.reaction) ? [i] : []));
	const events: PersistResult['events'] = [];
	const wrote = new Set<number>();
	if (!candidates.length) return { outcomes: new Map(), events, wrote };
	const writes = messageWrites(deliveries, candidates);
	const audits = candidates.map((i) => ({ delivery: i, ...deliveries[i], changed: false }));
	const result = await writeMessages(db, writes, audits, { onlyKnownChats: true });
	const emit: Emit = (delivery, workspaceId, event) => {
		wrote.add(delivery);
		events.push({ workspaceId, event });
	};
	emitMessageWrites(writes, result, emit);
	// Opt-out words (SAIR, PARAR, STOP…) mark the contact: one statement on the database, no Redis on the webhook path.
	const optOuts = optOutsOf(writes, result.items);
	if (optOuts.length) await markOptedOut(db, optOuts);
	return { outcomes: result.outcomes, events, wrote };
}
