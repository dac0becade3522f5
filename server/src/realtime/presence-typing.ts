import type { InboxEvent } from './inbox-events';
import type { TypingTracker } from './typing-tracker';

/**
 * Adds typing on/off to a contact's WhatsApp presence events, in the process that publishes (so it happens once, not
 * once per replica): composing or recording starts typing (with the tracker's auto-off; `activity` says which),
 * anything else stops it.
 */
export async function withTypingEvents(typing: TypingTracker, workspaceId: string, events: InboxEvent[]): Promise<InboxEvent[]> {
	if (!events.some((e) => e.type === 'presence.update' && e.conversationId)) return events;
	const out: InboxEvent[] = [];
	for (const event of events) {
		out.push(event);
		if (event.type !== 'presence.update' || !event.conversationId) continue;
		const presence = event.data.presence;
		const typist = { kind: 'contact' } as const;
		const change =
			presence === 'composing' || presence === 'recording'
				? await typing.start(workspaceId, event.conversationId, typist, presence === 'recording' ? 'recording' : 'typing')
				: await typing.stop(workspaceId, event.conversationId, typist);
		out.push({ ...change, channelId: event.channelId });
	}
	return out;
}
