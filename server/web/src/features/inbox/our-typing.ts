import { useCallback, useEffect, useRef } from 'react';
import { useRealtime } from '../../app/realtime-context';

// Repeat "on" while the attendant keeps typing (the server forgets it after 30 s); "off" after a pause.
const REPEAT_MS = 10_000;
const IDLE_MS = 4_000;

/**
 * Tells the other attendants that this one is typing in the conversation (or in a private note), over the
 * realtime socket: on at the first key, repeated while typing goes on, off after a pause, on send and on leaving.
 */
export function useOurTyping(conversationId: string, isPrivate: boolean) {
	const { connection } = useRealtime();
	const lastOn = useRef(0);
	const idle = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

	const stop = useCallback(() => {
		clearTimeout(idle.current);
		idle.current = undefined;
		if (lastOn.current) connection?.typing(conversationId, false, isPrivate);
		lastOn.current = 0;
	}, [connection, conversationId, isPrivate]);

	const typed = useCallback(() => {
		const now = Date.now();
		if (now - lastOn.current > REPEAT_MS) {
			connection?.typing(conversationId, true, isPrivate);
			lastOn.current = now;
		}
		clearTimeout(idle.current);
		idle.current = setTimeout(stop, IDLE_MS);
	}, [connection, conversationId, isPrivate, stop]);

	useEffect(() => stop, [stop]);
	return { typed, stop };
}
