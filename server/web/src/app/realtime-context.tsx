import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { type SyncRun, syncRunsKey } from '../features/channels/sync-api';
import { leadKey } from '../features/inbox/lead-api';
import { type ConnectionState, RealtimeConnection, type RealtimeFrame } from '../lib/realtime';

/** Proactive sends held back by pacing (the message.paced event): how many, and when the last should go. */
export interface PacedNotice {
	count: number;
	lastExpectedSendAt: string | null;
	/** Heard at (epoch ms): a newer announcement replaces an older one. */
	at: number;
}

/** What the customer is doing: typing_on's `activity` (older servers send none: typing). */
export type CustomerActivity = 'typing' | 'recording';

interface RealtimeValue {
	state: ConnectionState;
	/** Conversations whose customer is typing or recording a voice note now (WhatsApp's presence, via typing_on/off). */
	typing: ReadonlyMap<string, CustomerActivity>;
	/** Other attendants typing, per conversation (their user ids). */
	agentsTyping: ReadonlyMap<string, ReadonlySet<string>>;
	paced: PacedNotice | null;
	dismissPaced(): void;
	connection: RealtimeConnection | null;
}

const RealtimeContext = createContext<RealtimeValue>({
	state: 'connecting',
	typing: new Map(),
	agentsTyping: new Map(),
	paced: null,
	dismissPaced: () => undefined,
	connection: null,
});

// Lists are refetched at most this often under a burst of events (a history sync sends thousands).
const LIST_REFRESH_MS = 400;

/**
 * Keeps the page live: every event on /realtime refreshes what it touches in the server-state cache (the list,
 * the open thread, the channels), and every reconnect refetches everything shown, which is the catch-up.
 */
export function RealtimeProvider({ children }: { children: ReactNode }) {
	const queryClient = useQueryClient();
	const [state, setState] = useState<ConnectionState>('connecting');
	const [typing, setTyping] = useState<ReadonlyMap<string, CustomerActivity>>(new Map());
	const [agentsTyping, setAgentsTyping] = useState<ReadonlyMap<string, ReadonlySet<string>>>(new Map());
	const [paced, setPaced] = useState<PacedNotice | null>(null);
	const [connection, setConnection] = useState<RealtimeConnection | null>(null);
	const listTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

	useEffect(() => {
		// What the next batched refresh refetches besides the lists (e.g. every open conversation after a contact changed).
		const alsoRefresh = new Map<string, readonly unknown[]>();
		const refreshLists = (...others: Array<readonly unknown[]>) => {
			for (const key of others) alsoRefresh.set(JSON.stringify(key), key);
			if (listTimer.current) return;
			listTimer.current = setTimeout(() => {
				listTimer.current = undefined;
				void queryClient.invalidateQueries({ queryKey: ['conversations'] });
				for (const key of alsoRefresh.values()) void queryClient.invalidateQueries({ queryKey: key });
				alsoRefresh.clear();
			}, LIST_REFRESH_MS);
		};
		const setTypingOf = (conversationId: string, activity: CustomerActivity | null) =>
			setTyping((current) => {
				if ((current.get(conversationId) ?? null) === activity) return current;
				const next = new Map(current);
				if (activity) next.set(conversationId, activity);
				else next.delete(conversationId);
				return next;
			});
		const setAgentTyping = (conversationId: string, userId: string, on: boolean) =>
			setAgentsTyping((current) => {
				const users = current.get(conversationId) ?? new Set<string>();
				if (users.has(userId) === on) return current;
				const next = new Map(current);
				const changed = new Set(users);
				if (on) changed.add(userId);
				else changed.delete(userId);
				if (changed.size) next.set(conversationId, changed);
				else next.delete(conversationId);
				return next;
			});
		const onEvent = (frame: RealtimeFrame) => {
			const conversationId = frame.conversationId;
			if (frame.event === 'conversation.typing_on' || frame.event === 'conversation.typing_off') {
				const typist = frame.data.typist as { kind?: string; userId?: string } | undefined;
				const on = frame.event === 'conversation.typing_on';
				const activity: CustomerActivity = frame.data.activity === 'recording' ? 'recording' : 'typing';
				if (conversationId && typist?.kind === 'contact') setTypingOf(conversationId, on ? activity : null);
				if (conversationId && typist?.kind === 'user' && typist.userId) setAgentTyping(conversationId, typist.userId, on);
				return;
			}
			if (frame.event === 'message.paced') {
				const data = frame.data as { count?: number; lastExpectedSendAt?: string | null };
				setPaced({ count: data.count ?? 0, lastExpectedSendAt: data.lastExpectedSendAt ?? null, at: frame.at });
				refreshLists();
				return;
			}
			if (frame.event.startsWith('channel.')) {
				void queryClient.invalidateQueries({ queryKey: ['channels'] });
				void queryClient.invalidateQueries({ queryKey: ['channel'] });
				return;
			}
			if (frame.event === 'sync.progress') {
				// The run itself rides on the event: the progress bar moves without asking the server again.
				const run = (frame.data as { run?: SyncRun }).run;
				if (run?.channelId) {
					queryClient.setQueryData<{ data: SyncRun[] }>(syncRunsKey(run.channelId), (current) => {
						const others = (current?.data ?? []).filter((r) => r.id !== run.id);
						return { data: [run, ...others].sort((a, b) => b.createdAt.localeCompare(a.createdAt)) };
					});
				}
				refreshLists();
				return;
			}
			if (frame.event === 'contact.updated') {
				// A contact's name shows in the lists, in the header of any conversation open with them and in its panel.
				refreshLists(['conversation']);
				return;
			}
			if (frame.event === 'lead.updated' || frame.event === 'lead.created') {
				// The API's events carry the lead, ingest's its id; an open side panel follows either way, and a new lead
				// may now be the lead of an open conversation.
				const lead = frame.data.lead as { id?: string } | undefined;
				const leadId = lead?.id ?? (typeof frame.data.id === 'string' ? frame.data.id : undefined);
				refreshLists(leadId ? leadKey(leadId) : ['lead'], ...(frame.event === 'lead.created' ? [['conversation']] : []));
				return;
			}
			if (frame.event.startsWith('notification.')) {
				void queryClient.invalidateQueries({ queryKey: ['notifications'] });
				return;
			}
			if (conversationId) {
				// A message from the customer ends their typing.
				if (frame.event === 'message.created') setTypingOf(conversationId, null);
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

	// The notice goes by itself once the last held message is due (the ticks then tell the rest).
	useEffect(() => {
		if (!paced?.lastExpectedSendAt) return;
		const timer = setTimeout(() => setPaced((current) => (current === paced ? null : current)), Math.max(0, Date.parse(paced.lastExpectedSendAt) - Date.now()) + 1_000);
		return () => clearTimeout(timer);
	}, [paced]);

	const value = useMemo(
		() => ({ state, typing, agentsTyping, paced, dismissPaced: () => setPaced(null), connection }),
		[state, typing, agentsTyping, paced, connection],
	);
	return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}

export const useRealtime = () => useContext(RealtimeContext);
