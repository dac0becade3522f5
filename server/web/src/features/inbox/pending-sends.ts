import { type InfiniteData, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiFailure } from '../../lib/api-client';
import type { Message, MessagePage } from '../../lib/api-types';

/** A send the attendant made that the server has not confirmed yet (or refused: then it waits for a retry). */
export interface PendingSend {
	clientId: string;
	/** What the bubble shows meanwhile. */
	preview: Pick<Message, 'type' | 'body' | 'quotedWaMessageId'> & { media: Message['media']; localUrl?: string };
	createdAt: string;
	/** Why the server did not take it (null while it is on its way). */
	failure: { kind: 'unreachable' | 'refused'; detail: string } | null;
	/** Posts it; the same clientId every time, so a retry after a lost answer never sends twice. */
	post: (clientId: string) => Promise<Message>;
}

/** Puts the server's row into the cached thread at once: the realtime events then move its ticks. */
export function upsertThreadMessage(data: InfiniteData<MessagePage> | undefined, message: Message): InfiniteData<MessagePage> | undefined {
	if (!data?.pages.length) return data;
	const found = data.pages.some((page) => page.data.some((m) => m.id === message.id));
	const pages = found
		? data.pages.map((page) => ({ ...page, data: page.data.map((m) => (m.id === message.id ? message : m)) }))
		: data.pages.map((page, index) => (index === 0 ? { ...page, data: [...page.data, message] } : page));
	return { ...data, pages };
}

/**
 * The optimistic side of sending: a bubble shows the moment the attendant presses Enter (🕒), the server's row
 * replaces it when the POST answers (matched by clientId), and a POST that fails leaves the bubble with ❗ and a
 * retry that posts the same clientId again.
 */
export function usePendingSends(conversationId: string, onSent: () => void) {
	const queryClient = useQueryClient();
	const [pending, setPending] = useState<PendingSend[]>([]);
	// The attached file as the browser already has it, by clientId: the bubble keeps showing it once the server's
	// row replaces the pending one (no flash, no download of what was just uploaded).
	const localUrls = useRef(new Map<string, string>());
	useRefCleanup(localUrls.current);

	const run = useCallback(
		async (send: PendingSend) => {
			setPending((list) => list.map((p) => (p.clientId === send.clientId ? { ...p, failure: null } : p)));
			try {
				const message = await send.post(send.clientId);
				queryClient.setQueryData<InfiniteData<MessagePage>>(['thread', conversationId], (data) => upsertThreadMessage(data, message));
				setPending((list) => list.filter((p) => p.clientId !== send.clientId));
				onSent();
			} catch (error) {
				const failure =
					error instanceof ApiFailure && error.status > 0
						? { kind: 'refused' as const, detail: error.message }
						: { kind: 'unreachable' as const, detail: error instanceof Error ? error.message : String(error) };
				setPending((list) => list.map((p) => (p.clientId === send.clientId ? { ...p, failure } : p)));
			}
		},
		[conversationId, onSent, queryClient],
	);

	const send = useCallback(
		(preview: PendingSend['preview'], post: PendingSend['post']) => {
			const entry: PendingSend = { clientId: crypto.randomUUID(), preview, createdAt: new Date().toISOString(), failure: null, post };
			if (preview.localUrl) localUrls.current.set(entry.clientId, preview.localUrl);
			setPending((list) => [...list, entry]);
			void run(entry);
		},
		[run],
	);

	const discard = useCallback((clientId: string) => setPending((list) => list.filter((p) => p.clientId !== clientId)), []);

	const localUrlOf = useCallback((clientId: string | null) => (clientId ? localUrls.current.get(clientId) : undefined), []);

	return { pending, send, retry: run, discard, localUrlOf };
}

/** Frees the browser's copies of attached files when the conversation closes. */
function useRefCleanup(urls: Map<string, string>) {
	useEffect(() => () => urls.forEach((url) => URL.revokeObjectURL(url)), [urls]);
}

/** A pending send drawn as a message of the thread (status queued, or failed with the reason). */
export function pendingAsMessage(send: PendingSend, conversationId: string): Message {
	return {
		id: `pending-${send.clientId}`,
		conversationId,
		channelId: '',
		waMessageId: null,
		clientMessageId: send.clientId,
		direction: 'outbound',
		fromMe: true,
		type: send.preview.type,
		body: send.preview.body,
		media: send.preview.media,
		details: null,
		quotedWaMessageId: send.preview.quotedWaMessageId,
		reactionTargetWaMessageId: null,
		senderJid: null,
		senderName: null,
		status: send.failure ? 'failed' : 'queued',
		error: send.failure?.detail ?? null,
		errorCode: send.failure ? (send.failure.kind === 'unreachable' ? 'server_unreachable' : 'refused') : null,
		origin: null,
		attempts: 0,
		paced: false,
		expectedSendAt: null,
		nextAttemptAt: null,
		sentByUserId: null,
		sentByAi: false,
		transcript: null,
		isEdited: false,
		editedAt: null,
		isDeleted: false,
		deletedAt: null,
		waTimestamp: null,
		threadAt: send.createdAt,
		createdAt: send.createdAt,
		reactions: [],
	};
}
