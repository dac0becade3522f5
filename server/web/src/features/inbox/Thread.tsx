import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { addHours, format } from 'date-fns';
import { Fragment, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type CustomerActivity, useRealtime } from '../../app/realtime-context';
import { navigate } from '../../app/router';
import type { Attendant, ConversationStatus, Message } from '../../lib/api-types';
import { Bubble } from './Bubble';
import { ChannelDownNotice, useChannel } from './ChannelDownNotice';
import { Composer } from './Composer';
import { ContactPanel } from './ContactPanel';
import { clock, contactName, dateLocale, dayLabel, sameDay } from './format';
import { addNote, assign, changeStatus, type FileType, getConversation, listAttendants, listMessages, markRead, markUnread, react, retryMessage, sendMedia, sendText, setAiState } from './inbox-api';
import { uploadMedia } from './media-api';
import { pendingAsMessage, upsertThreadMessage, usePendingSends } from './pending-sends';
import { systemLineText } from './system-line';
import { TransferForm } from './TransferForm';

/** What WhatsApp sends a file as: photos, videos and audio (as a voice note) by their type, anything else as a document. */
function fileTypeOf(file: File): FileType {
	if (/^image\/(jpeg|png|webp)$/.test(file.type)) return 'image';
	if (/^video\/(mp4|3gpp)$/.test(file.type)) return 'video';
	if (file.type.startsWith('audio/')) return 'audio';
	return 'document';
}

/** The chat pane: header with the conversation's actions, the thread (older pages on scroll up), the composer. */
export function Thread({
	conversationId,
	meId,
	typing,
	isAdmin = false,
	focusComposer = false,
}: {
	conversationId: string;
	meId: string | null;
	/** What the customer is doing now, if anything (typing, or recording a voice note). */
	typing: CustomerActivity | null;
	isAdmin?: boolean;
	/** Put the cursor in the text box once the chat shows (the conversation was just picked in the list). */
	focusComposer?: boolean;
}) {
	const { t, i18n } = useTranslation();
	const queryClient = useQueryClient();
	const conversation = useQuery({ queryKey: ['conversation', conversationId], queryFn: () => getConversation(conversationId) });
	const attendants = useQuery({ queryKey: ['attendants'], queryFn: listAttendants, staleTime: 60_000 });
	const thread = useInfiniteQuery({
		queryKey: ['thread', conversationId],
		queryFn: ({ pageParam }) => listMessages(conversationId, pageParam),
		initialPageParam: undefined as string | undefined,
		getNextPageParam: (last) => last.meta.nextCursor ?? undefined,
	});
	const refresh = useCallback(() => {
		void queryClient.invalidateQueries({ queryKey: ['conversation', conversationId] });
		void queryClient.invalidateQueries({ queryKey: ['conversations'] });
		void queryClient.invalidateQueries({ queryKey: ['thread', conversationId] });
	}, [conversationId, queryClient]);
	const sends = usePendingSends(conversationId, refresh);

	// Pages come newest first, each oldest-to-newest: the thread reads them back to front. Sends the server has not
	// confirmed yet follow, until their row (same clientId) is in.
	const stored: Message[] = thread.data ? [...thread.data.pages].reverse().flatMap((p) => p.data) : [];
	const confirmed = new Set(stored.map((m) => m.clientMessageId).filter(Boolean));
	const unconfirmed = sends.pending.filter((p) => !confirmed.has(p.clientId));
	const messages = [...stored, ...unconfirmed.map((p) => pendingAsMessage(p, conversationId))];
	const byWaId = new Map(messages.filter((m) => m.waMessageId).map((m) => [m.waMessageId!, m]));
	const newestId = messages.length ? messages[messages.length - 1].id : undefined;
	// "Mensagens em fila para evitar bloqueio": this thread's sends that pacing holds back, and when the last goes.
	const heldBack = stored.filter((m) => m.status === 'queued' && m.paced && m.expectedSendAt);
	const lastHeldAt = heldBack.map((m) => m.expectedSendAt!).sort().pop();

	const retryMutation = useMutation({
		mutationFn: (message: Message) => retryMessage(message.id),
		onSuccess: (message) => {
			queryClient.setQueryData(['thread', conversationId], (data: Parameters<typeof upsertThreadMessage>[0]) => upsertThreadMessage(data, message));
			refresh();
		},
	});
	const reactMutation = useMutation({
		mutationFn: ({ message, emoji }: { message: Message; emoji: string }) => react(conversationId, message.id, emoji, crypto.randomUUID()),
		onSuccess: refresh,
	});
	const onRetry = (message: Message) => {
		const pending = sends.pending.find((p) => `pending-${p.clientId}` === message.id);
		if (pending) void sends.retry(pending);
		else retryMutation.mutate(message);
	};
	const onSendFile = (file: File, caption: string, replyTo: Message | null, durationSeconds?: number) => {
		const type = fileTypeOf(file);
		let mediaId: string | undefined;
		sends.send(
			{
				type,
				body: caption || null,
				media: { id: null, url: null, mimeType: file.type || null, fileName: file.name, sizeBytes: file.size, durationSeconds: durationSeconds ?? null },
				quotedWaMessageId: replyTo?.waMessageId ?? null,
				localUrl: URL.createObjectURL(file),
			},
			async (clientId) => {
				// Uploaded once: a retry after a refused send reuses the stored file.
				mediaId ??= (await uploadMedia(file, durationSeconds)).id;
				return sendMedia(conversationId, {
					type,
					mediaId,
					fileName: file.name,
					mimeType: file.type || undefined,
					// Voice notes carry no caption on WhatsApp.
					caption: type === 'audio' ? undefined : caption || undefined,
					clientId,
					replyToMessageId: replyTo?.id,
				});
			},
		);
		if (type === 'audio' && caption) onSendText(caption, null);
	};
	const onSendText = (text: string, replyTo: Message | null) =>
		sends.send({ type: 'text', body: text, media: null, quotedWaMessageId: replyTo?.waMessageId ?? null }, (clientId) =>
			sendText(conversationId, text, clientId, replyTo?.id),
		);
	const assignMutation = useMutation({ mutationFn: (assigneeId: string | null) => assign(conversationId, assigneeId), onSuccess: refresh });
	const statusMutation = useMutation({
		mutationFn: ({ status, until }: { status: ConversationStatus; until?: string }) => changeStatus(conversationId, status, until),
		onSuccess: () => {
			setSnoozing(false);
			refresh();
		},
	});
	// "Mark as unread" leaves the chat (an open chat is read by whoever looks at it), as WhatsApp Web does.
	const unreadMutation = useMutation({
		mutationFn: () => markUnread(conversationId),
		onSuccess: () => {
			void queryClient.invalidateQueries({ queryKey: ['conversations'] });
			navigate({ name: 'inbox' });
		},
	});
	const [snoozing, setSnoozing] = useState(false);
	const [snoozeUntil, setSnoozeUntil] = useState(() => format(addHours(new Date(), 1), "yyyy-MM-dd'T'HH:mm"));
	const [panelOpen, setPanelOpen] = useState(false);
	const [transferring, setTransferring] = useState(false);
	const aiMutation = useMutation({ mutationFn: (state: 'active' | 'paused') => setAiState(conversationId, state), onSuccess: refresh });

	// Opening a conversation reads it (for the attendants only: nothing goes to WhatsApp).
	const unread = conversation.data?.unreadCount ?? 0;
	useEffect(() => {
		if (unread > 0) void markRead(conversationId).then(() => queryClient.invalidateQueries({ queryKey: ['conversations'] }));
	}, [conversationId, unread, newestId, queryClient]);

	// Stick to the bottom when a new message arrives, and when the pane first shows (the thread may be in before the
	// conversation, and the scroller exists only once both are); keep the place when older ones load above.
	const scroller = useRef<HTMLDivElement>(null);
	const heightBefore = useRef<number | null>(null);
	const shown = conversation.data !== undefined;
	useLayoutEffect(() => {
		const el = scroller.current;
		if (!el) return;
		if (heightBefore.current !== null) {
			el.scrollTop = el.scrollHeight - heightBefore.current;
			heightBefore.current = null;
		} else {
			el.scrollTop = el.scrollHeight;
		}
	}, [newestId, messages.length, shown]);
	const { hasNextPage, isFetchingNextPage, fetchNextPage } = thread;
	const loadOlder = useCallback(() => {
		const el = scroller.current;
		if (!el || !hasNextPage || isFetchingNextPage) return;
		heightBefore.current = el.scrollHeight;
		void fetchNextPage();
	}, [hasNextPage, isFetchingNextPage, fetchNextPage]);
	// Older messages load when the top of the thread comes into view. An observer rather than scroll events: it looks
	// again whenever the loading state changes, so a load cut short (a refetch cancels it) or a first page shorter than
	// the pane still brings the next one, without the attendant having to scroll again.
	const olderEdge = useRef<HTMLButtonElement>(null);
	useEffect(() => {
		const root = scroller.current;
		const edge = olderEdge.current;
		if (!root || !edge || !hasNextPage || isFetchingNextPage) return;
		const observer = new IntersectionObserver(
			(entries) => {
				if (entries.some((entry) => entry.isIntersecting)) loadOlder();
			},
			{ root, rootMargin: '80px 0px 0px 0px' },
		);
		observer.observe(edge);
		return () => observer.disconnect();
	}, [hasNextPage, isFetchingNextPage, loadOlder, shown]);

	const [replyTo, setReplyTo] = useState<Message | null>(null);
	const { agentsTyping } = useRealtime();
	// A number that is not connected holds what is sent here: the notice and the held bubbles say so.
	const channel = useChannel(conversation.data?.channelId ?? '');
	const channelDown = !!channel && channel.status !== 'connected';
	const typingAgents = [...(agentsTyping.get(conversationId) ?? [])].filter((id) => id !== meId);
	if (!conversation.data) return <section className="chat empty">{conversation.isError ? t('errors.unreachable') : t('app.loading')}</section>;
	const c = conversation.data;
	const name = contactName(c.contact);
	const assignee = attendants.data?.data.find((a: Attendant) => a.id === c.assigneeId);
	const nameOf = (userId: unknown) => attendants.data?.data.find((a) => a.id === userId)?.name ?? null;

	return (
		<section className="chat" aria-label={name}>
			<header className="chat-header">
				{/* Only a phone shows it (one pane at a time): the way back to the list. */}
				<button type="button" className="back-to-list" aria-label={t('thread.backToList')} onClick={() => navigate({ name: 'inbox' })}>
					←
				</button>
				<span className="avatar" aria-hidden="true">
					{name.slice(0, 1).toUpperCase()}
				</span>
				<div className="chat-title">
					<h2>{name}</h2>
					<span className="subtitle">{typing ? <em className="typing">{t(typing === 'recording' ? 'inbox.recording' : 'inbox.typing')}</em> : (c.contact.phoneE164 ?? '')}</span>
					{typingAgents.length > 0 && (
						<span className="agent-typing" role="status">
							{t('thread.agentTyping', { name: typingAgents.map((id) => attendants.data?.data.find((a) => a.id === id)?.name ?? '?').join(', ') })}
						</span>
					)}
				</div>
				{c.aiState !== 'off' && (
					<span className={`ai-state ${c.aiState}`} role="status">
						{t(`ai.state.${c.aiState}`)}
						<button type="button" disabled={aiMutation.isPending} onClick={() => aiMutation.mutate(c.aiState === 'active' ? 'paused' : 'active')}>
							{t(c.aiState === 'active' ? 'ai.pause' : 'ai.giveBack')}
						</button>
					</span>
				)}
				<span className="assignee">{assignee ? t('thread.assignedTo', { name: assignee.name }) : t('thread.unassigned')}</span>
				{meId && c.assigneeId !== meId && (
					<button type="button" onClick={() => assignMutation.mutate(meId)}>
						{t('thread.assignToMe')}
					</button>
				)}
				<button type="button" aria-expanded={transferring} onClick={() => setTransferring((open) => !open)}>
					{t('thread.transfer')}
				</button>
				<select
					aria-label={t('thread.status')}
					value={snoozing ? 'snoozed' : c.status}
					onChange={(e) => {
						const next = e.target.value as ConversationStatus;
						if (next === 'snoozed') setSnoozing(true);
						else statusMutation.mutate({ status: next });
					}}
				>
					{(['pending', 'open', 'resolved'] as const).map((status) => (
						<option key={status} value={status}>
							{t(`status.${status}`)}
						</option>
					))}
					<option value="snoozed">{c.status === 'snoozed' ? t('status.snoozed') : t('thread.snoozeOption')}</option>
				</select>
				<button type="button" onClick={() => unreadMutation.mutate()} disabled={unreadMutation.isPending}>
					{t('thread.markUnread')}
				</button>
				<button type="button" aria-expanded={panelOpen} onClick={() => setPanelOpen((open) => !open)}>
					{t('contact.title')}
				</button>
			</header>
			{transferring && (
				<TransferForm
					conversation={c}
					onCancel={() => setTransferring(false)}
					onDone={() => {
						setTransferring(false);
						refresh();
					}}
				/>
			)}
			{snoozing && (
				<form
					className="snooze-form"
					onSubmit={(e) => {
						e.preventDefault();
						statusMutation.mutate({ status: 'snoozed', until: new Date(snoozeUntil).toISOString() });
					}}
				>
					<label>
						{t('thread.snoozeUntil')}
						<input type="datetime-local" value={snoozeUntil} min={format(new Date(), "yyyy-MM-dd'T'HH:mm")} onChange={(e) => setSnoozeUntil(e.target.value)} required />
					</label>
					<button type="submit" className="primary" disabled={statusMutation.isPending}>
						{t('thread.snooze')}
					</button>
					<button type="button" onClick={() => setSnoozing(false)}>
						{t('thread.cancel')}
					</button>
				</form>
			)}
			{c.status === 'snoozed' && c.snoozedUntil && !snoozing && (
				<p className="snoozed-notice" role="status">
					{t('thread.snoozedUntil', { when: format(new Date(c.snoozedUntil), 'Pp', { locale: dateLocale(i18n.language) }) })}
				</p>
			)}
			{(statusMutation.isError || unreadMutation.isError) && (
				<p role="alert" className="form-error">
					{t('errors.unexpected')}
				</p>
			)}
			<div className="chat-body">
				<div className="messages" ref={scroller}>
					{thread.hasNextPage && (
						<button type="button" className="older" ref={olderEdge} disabled={thread.isFetchingNextPage} onClick={loadOlder}>
							{t('thread.older')}
						</button>
					)}
					<ol aria-label={t('thread.messages')}>
						{messages.map((message, index) => (
							<Fragment key={message.id}>
								{(index === 0 || !sameDay(messages[index - 1].threadAt, message.threadAt)) && (
									<li className="day-separator" role="separator">
										<span>{dayLabel(message.threadAt, i18n.language, t('thread.today'), t('inbox.yesterday'))}</span>
									</li>
								)}
								<Bubble
									message={message}
									quoted={message.quotedWaMessageId ? byWaId.get(message.quotedWaMessageId) : undefined}
									customerName={name}
									systemText={message.type === 'system' ? systemLineText(message, t, i18n.language, nameOf) : undefined}
									actions={{ onReply: setReplyTo, onRetry, retrying: retryMutation.isPending, onReact: (target, emoji) => reactMutation.mutate({ message: target, emoji }) }}
									localUrl={sends.localUrlOf(message.clientMessageId)}
									heldForChannel={channelDown}
								/>
							</Fragment>
						))}
					</ol>
				</div>
				{panelOpen && <ContactPanel conversation={c} onClose={() => setPanelOpen(false)} />}
			</div>
			<ChannelDownNotice channel={channel} isAdmin={isAdmin} />
			{lastHeldAt && (
				<p className="paced-notice" role="status">
					{t('outbox.pacedHere', { count: heldBack.length, time: clock(lastHeldAt) })}
				</p>
			)}
			{reactMutation.isError && (
				<p role="alert" className="form-error">
					{t('thread.reactFailed')}
				</p>
			)}
			<Composer
				conversationId={conversationId}
				autoFocus={focusComposer}
				contact={c.contact}
				replyTo={replyTo}
				onCancelReply={() => setReplyTo(null)}
				onSendText={onSendText}
				onSendFile={onSendFile}
				onAddNote={async (text) => {
					await addNote(conversationId, text);
					refresh();
				}}
			/>
		</section>
	);
}

