import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, type FormEvent, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Attendant, ConversationStatus, Message } from '../../lib/api-types';
import { clock, contactName, dayLabel, sameDay } from './format';
import { addNote, assign, changeStatus, getConversation, listAttendants, listMessages, markRead, sendText } from './inbox-api';

const TICKS: Record<string, { symbol: string; className: string }> = {
	queued: { symbol: '🕒', className: 'tick' },
	pending: { symbol: '🕒', className: 'tick' },
	sending: { symbol: '🕒', className: 'tick' },
	sent: { symbol: '✓', className: 'tick' },
	server_ack: { symbol: '✓', className: 'tick' },
	delivered: { symbol: '✓✓', className: 'tick' },
	read: { symbol: '✓✓', className: 'tick read' },
	played: { symbol: '✓✓', className: 'tick read' },
	failed: { symbol: '❗', className: 'tick failed' },
};

const MEDIA_LABELS: Record<string, string> = {
	image: 'media.image',
	video: 'media.video',
	audio: 'media.audio',
	ptt: 'media.voice',
	document: 'media.document',
	sticker: 'media.sticker',
	location: 'media.location',
	contact: 'media.contact',
};

/** One message: text as text (never markup), its media as a labelled placeholder, quote, reactions, ticks. */
function Bubble({ message, quoted, onReply }: { message: Message; quoted?: Message; onReply: (message: Message) => void }) {
	const { t } = useTranslation();
	if (message.type === 'system' || (message.direction === 'internal' && message.type !== 'note')) {
		return (
			<li className="system-line" role="note">
				{message.body}
			</li>
		);
	}
	const note = message.direction === 'internal';
	const ours = note || message.fromMe;
	const tick = ours && !note ? TICKS[message.status] : undefined;
	const media = MEDIA_LABELS[message.type];
	return (
		<li className={`bubble-row ${ours ? 'ours' : 'theirs'}`} data-message-id={message.id}>
			<div className={`bubble ${note ? 'note' : ours ? 'out' : 'in'}`}>
				{note && <span className="note-label">{t('thread.privateNote')}</span>}
				{quoted && (
					<a className="quote" href={`#m-${quoted.id}`} onClick={(e) => { e.preventDefault(); document.querySelector(`[data-message-id="${quoted.id}"]`)?.scrollIntoView({ block: 'center' }); }}>
						<span className="quote-author">{quoted.fromMe ? t('thread.you') : (quoted.senderName ?? '')}</span>
						<span className="quote-text">{quoted.body ?? t(MEDIA_LABELS[quoted.type] ?? 'media.message')}</span>
					</a>
				)}
				{message.isDeleted ? (
					<em className="deleted">🚫 {t('thread.deleted')}</em>
				) : (
					<>
						{media && (
							<span className="media-placeholder">
								{t(media)}
								{message.media?.fileName ? `: ${message.media.fileName}` : ''}
							</span>
						)}
						{message.body && <span className="text">{message.body}</span>}
					</>
				)}
				<span className="meta">
					{message.isEdited && !message.isDeleted && <span className="edited">{t('thread.edited')}</span>}
					<time dateTime={message.waTimestamp ?? message.threadAt}>{clock(message.waTimestamp ?? message.threadAt)}</time>
					{tick && (
						<span className={tick.className} aria-label={t(`ticks.${message.status}`)} title={message.error ?? undefined}>
							{tick.symbol}
						</span>
					)}
				</span>
				{message.status === 'failed' && message.error && <span className="failure">{message.error}</span>}
				{message.reactions.length > 0 && (
					<span className="reactions" aria-label={t('thread.reactions')}>
						{message.reactions.map((r, i) => (
							<span key={`${r.reactorJid}-${i}`}>{r.emoji}</span>
						))}
					</span>
				)}
			</div>
			{!note && !message.isDeleted && (
				<button type="button" className="reply-button" aria-label={t('thread.reply')} onClick={() => onReply(message)}>
					↩
				</button>
			)}
		</li>
	);
}

/** The chat pane: header with the conversation's actions, the thread (older pages on scroll up), the composer. */
export function Thread({ conversationId, meId, typing }: { conversationId: string; meId: string | null; typing: boolean }) {
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
	// Pages come newest first, each oldest-to-newest: the thread reads them back to front.
	const messages: Message[] = thread.data ? [...thread.data.pages].reverse().flatMap((p) => p.data) : [];
	const byWaId = new Map(messages.filter((m) => m.waMessageId).map((m) => [m.waMessageId!, m]));
	const newestId = messages.length ? messages[messages.length - 1].id : undefined;

	const refresh = () => {
		void queryClient.invalidateQueries({ queryKey: ['conversation', conversationId] });
		void queryClient.invalidateQueries({ queryKey: ['conversations'] });
		void queryClient.invalidateQueries({ queryKey: ['thread', conversationId] });
	};
	const assignMutation = useMutation({ mutationFn: (assigneeId: string | null) => assign(conversationId, assigneeId), onSuccess: refresh });
	const statusMutation = useMutation({ mutationFn: (status: ConversationStatus) => changeStatus(conversationId, status), onSuccess: refresh });

	// Opening a conversation reads it (for the attendants only: nothing goes to WhatsApp).
	const unread = conversation.data?.unreadCount ?? 0;
	useEffect(() => {
		if (unread > 0) void markRead(conversationId).then(() => queryClient.invalidateQueries({ queryKey: ['conversations'] }));
	}, [conversationId, unread, newestId, queryClient]);

	// Stick to the bottom when a new message arrives; keep the place when older ones load above.
	const scroller = useRef<HTMLDivElement>(null);
	const heightBefore = useRef<number | null>(null);
	useLayoutEffect(() => {
		const el = scroller.current;
		if (!el) return;
		if (heightBefore.current !== null) {
			el.scrollTop = el.scrollHeight - heightBefore.current;
			heightBefore.current = null;
		} else {
			el.scrollTop = el.scrollHeight;
		}
	}, [newestId, messages.length]);
	const onScroll = () => {
		const el = scroller.current;
		if (el && el.scrollTop < 80 && thread.hasNextPage && !thread.isFetchingNextPage) {
			heightBefore.current = el.scrollHeight;
			void thread.fetchNextPage();
		}
	};

	const [replyTo, setReplyTo] = useState<Message | null>(null);
	if (!conversation.data) return <section className="chat empty">{conversation.isError ? t('errors.unreachable') : t('app.loading')}</section>;
	const c = conversation.data;
	const name = contactName(c.contact);
	const assignee = attendants.data?.data.find((a: Attendant) => a.id === c.assigneeId);

	return (
		<section className="chat" aria-label={name}>
			<header className="chat-header">
				<span className="avatar" aria-hidden="true">
					{name.slice(0, 1).toUpperCase()}
				</span>
				<div className="chat-title">
					<h2>{name}</h2>
					<span className="subtitle">{typing ? <em className="typing">{t('inbox.typing')}</em> : (c.contact.phoneE164 ?? '')}</span>
				</div>
				<span className="assignee">{assignee ? t('thread.assignedTo', { name: assignee.name }) : t('thread.unassigned')}</span>
				{meId && c.assigneeId !== meId && (
					<button type="button" onClick={() => assignMutation.mutate(meId)}>
						{t('thread.assignToMe')}
					</button>
				)}
				<select aria-label={t('thread.transfer')} value="" onChange={(e) => e.target.value && assignMutation.mutate(e.target.value === 'none' ? null : e.target.value)}>
					<option value="">{t('thread.transfer')}</option>
					<option value="none">{t('thread.unassign')}</option>
					{attendants.data?.data
						.filter((a) => a.isActive && a.id !== c.assigneeId)
						.map((a) => (
							<option key={a.id} value={a.id}>
								{a.name}
							</option>
						))}
				</select>
				<select aria-label={t('thread.status')} value={c.status} onChange={(e) => statusMutation.mutate(e.target.value as ConversationStatus)}>
					{(['pending', 'open', 'resolved'] as const).map((status) => (
						<option key={status} value={status}>
							{t(`status.${status}`)}
						</option>
					))}
					{c.status === 'snoozed' && <option value="snoozed">{t('status.snoozed')}</option>}
				</select>
			</header>
			<div className="messages" ref={scroller} onScroll={onScroll}>
				{thread.hasNextPage && (
					<button type="button" className="older" onClick={() => void thread.fetchNextPage()}>
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
							<Bubble message={message} quoted={message.quotedWaMessageId ? byWaId.get(message.quotedWaMessageId) : undefined} onReply={setReplyTo} />
						</Fragment>
					))}
				</ol>
			</div>
			<Composer conversationId={conversationId} replyTo={replyTo} onReplied={() => setReplyTo(null)} onSent={refresh} />
		</section>
	);
}

function Composer({ conversationId, replyTo, onReplied, onSent }: { conversationId: string; replyTo: Message | null; onReplied: () => void; onSent: () => void }) {
	const { t } = useTranslation();
	const [text, setText] = useState('');
	const [note, setNote] = useState(false);
	const [error, setError] = useState<string | null>(null);
	const clientId = useRef(crypto.randomUUID());
	const send = useMutation({
		mutationFn: async (body: string) => (note ? addNote(conversationId, body) : sendText(conversationId, body, clientId.current, replyTo?.id)),
		onSuccess: () => {
			setText('');
			setError(null);
			clientId.current = crypto.randomUUID();
			onReplied();
			onSent();
		},
		onError: () => setError(t('thread.sendFailed')),
	});
	const submit = (event: FormEvent) => {
		event.preventDefault();
		const body = text.trim();
		if (body && !send.isPending) send.mutate(body);
	};
	return (
		<form className={`composer ${note ? 'note-mode' : ''}`} onSubmit={submit}>
			{replyTo && (
				<div className="replying">
					<span>
						{t('thread.replyingTo')}: {replyTo.body ?? ''}
					</span>
					<button type="button" aria-label={t('thread.cancelReply')} onClick={onReplied}>
						✕
					</button>
				</div>
			)}
			{error && (
				<p role="alert" className="form-error">
					{error}
				</p>
			)}
			<div className="composer-row">
				<label className="note-toggle">
					<input type="checkbox" checked={note} onChange={(e) => setNote(e.target.checked)} />
					{t('thread.privateNote')}
				</label>
				<textarea
					rows={1}
					value={text}
					aria-label={note ? t('thread.notePlaceholder') : t('thread.messagePlaceholder')}
					placeholder={note ? t('thread.notePlaceholder') : t('thread.messagePlaceholder')}
					onChange={(e) => setText(e.target.value)}
					onKeyDown={(e) => {
						if (e.key === 'Enter' && !e.shiftKey) submit(e);
					}}
				/>
				<button type="submit" className="primary" disabled={send.isPending || !text.trim()}>
					{note ? t('thread.addNote') : t('thread.send')}
				</button>
			</div>
		</form>
	);
}
