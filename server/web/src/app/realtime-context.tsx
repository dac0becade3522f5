import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { type ConnectionState, RealtimeConnection, type RealtimeFrame } from '../lib/realtime';

interface RealtimeValue {
	state: ConnectionState;
	/** Conversations whose customer is typing now (from WhatsApp's presence.update, via typing_on/off). */
	typing: ReadonlySet<string>;
	connection: RealtimeConnection | null;
}

const RealtimeContext = createContext<RealtimeValue>({ state: 'connecting', typing: new Set(), connection: null });

// Lists are refetched at most this often under a burst of events (a history sync sends thousands).
const LIST_REFRESH_MS = 400;

/**
 * Keeps the page live: every event on /realtime refreshes what it touches in the server-state cache (the list,
 * the open thread, the channels), and every reconnect refetches everything shown, which is the catch-up.
 */
export function RealtimeProvider({ children }: { children: ReactNode }) {
	const queryClient = useQueryClient();
	const [state, setState] = useState<ConnectionState>('connecting');
	const [typing, setTyping] = useState<ReadonlySet<string>>(new Set());
	const [connection, setConnection] = useState<RealtimeConnection | null>(null);
	const listTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

	useEffect(() => {
		const refreshLists = () => {
			if (listTimer.current) return;
			listTimer.current = setTimeout(() => {
				listTimer.current = undefined;
				void queryClient.invalidateQueries({ queryKey: ['conversations'] });
			}, LIST_REFRESH_MS);
		};
		const setTypingOf = (conversationId: string, on: boolean) =>
			setTyping((current) => {
				if (current.has(conversationId) === on) return current;
				const next = new Set(current);
				if (on) next.add(conversationId);
				else next.delete(conversationId);
				return next;
			});
		const onEvent = (frame: RealtimeFrame) => {
			const conversationId = frame.conversationId;
			if (frame.event === 'conversation.typing_on' || frame.event === 'conversation.typing_off') {
				const typist = frame.data.typist as { kind?: string } | undefined;
				if (conversationId && typist?.kind === 'contact') setTypingOf(conversationId, frame.event === 'conversation.typing_on');
				return;
			}
			if (frame.event.startsWith('channel.')) {
				void queryClient.invalidateQueries({ queryKey: ['channels'] });
				void queryClient.invalidateQueries({ queryKey: ['channel'] });
				return;
			}
			if (frame.event.startsWith('notification.')) {
				void queryClient.invalidateQueries({ queryKey: ['notifications'] });
				return;
			}
			if (conversationId) {
				// A message from the customer ends their typing.
				if (frame.event === 'message.created') setTypingOf(conversationId, false);
				void queryClient.invalidateQueries({ queryKey: ['thread', conversationId] });
				void queryClient.invalidateQueries({ queryKey: ['conversation', conversationId] });
			}
			refreshLists();
		};
		const live = new RealtimeConnection({
			onEvent,
			onCatchUp: () => void queryClient.invalidateQueries(),
			onState: setState,
		});
		setConnection(live);
		live.start();
		return () => {
			live.stop();
			clearTimeout(listTimer.current);
		};
	}, [queryClient]);

	const value = useMemo(() => ({ state, typing, connection }), [state, typing, connection]);
	return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}

export const useRealtime = () => useContext(RealtimeContext);
