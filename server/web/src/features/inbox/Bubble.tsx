import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Message } from '../../lib/api-types';
import { ContactCardView } from './ContactCardView';
import { clock } from './format';
import { LocationView } from './LocationView';
import { MediaView } from './MediaView';

// Types whose file the bubble shows.
const FILE_TYPES = new Set(['image', 'video', 'audio', 'ptt', 'document', 'sticker']);
// Types shown as a card of their own (their body, the place's or the person's name, is on the card).
const CARD_TYPES = new Set(['location', 'contact']);

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

export const MEDIA_LABELS: Record<string, string> = {
	image: 'media.image',
	video: 'media.video',
	audio: 'media.audio',
	ptt: 'media.voice',
	document: 'media.document',
	sticker: 'media.sticker',
	location: 'media.location',
	contact: 'media.contact',
};

/** Why a send failed, in the attendant's language (the server's own text stays in the tooltip). */
export function failureReason(message: Pick<Message, 'errorCode' | 'error'>, t: TFunction): string {
	const code = message.errorCode ?? '';
	if (/^http_5\d\d$|^http_error$/.test(code)) return t('sendError.whatsappDown', { status: code.slice(5) });
	if (/^http_4\d\d$/.test(code)) return t('sendError.rejected', { status: code.slice(5) });
	const known = ['not_on_whatsapp', 'timeout', 'connection_lost', 'unreachable', 'rate_limited', 'cancelled', 'server_unreachable', 'refused', 'no_message_id'];
	return known.includes(code) ? t(`sendError.${code}`) : t('sendError.other');
}

export interface BubbleActions {
	onReply(message: Message): void;
	/** Sends a failed message again (a server row by POST /retry, a refused POST by posting it again). */
	onRetry(message: Message): void;
	retrying?: boolean;
	/** Reacts to the message (an empty emoji takes our reaction back). */
	onReact(message: Message, emoji: string): void;
}

// WhatsApp's quick reactions.
const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'];

/**
 * One message: text as text (never markup), its media, quote, reactions, ticks, and a failed send's retry.
 * customerName names a quoted customer message's author (a one-to-one chat's messages carry no sender name);
 * systemText is a system line as the attendant reads it (see system-line.ts).
 */
export function Bubble({
	message,
	quoted,
	customerName,
	systemText,
	actions,
	localUrl,
	heldForChannel = false,
}: {
	message: Message;
	quoted?: Message;
	customerName?: string;
	systemText?: string;
	actions: BubbleActions;
	localUrl?: string;
	/** The conversation's number is not connected: a queued send waits for it (the outbox holds it, nothing is lost). */
	heldForChannel?: boolean;
}) {
	const { t } = useTranslation();
	const [reacting, setReacting] = useState(false);
	if (message.type === 'system' || (message.direction === 'internal' && message.type !== 'note')) {
		return (
			<li className="system-line" role="note">
				{systemText ?? message.body}
			</li>
		);
	}
	const note = message.direction === 'internal';
	const ours = note || message.fromMe;
	const tick = ours && !note ? TICKS[message.status] : undefined;
	const media = MEDIA_LABELS[message.type];
	const failed = ours && !note && message.status === 'failed';
	const heldBack = message.status === 'queued' && message.paced && message.expectedSendAt;
	return (
		<li className={`bubble-row ${ours ? 'ours' : 'theirs'}`} data-message-id={message.id} data-status={message.status}>
			<div className={`bubble ${note ? 'note' : ours ? 'out' : 'in'} ${failed ? 'failed' : ''}`}>
				{note && <span className="note-label">{t('thread.privateNote')}</span>}
				{quoted && (
					<a
						className="quote"
						href={`#m-${quoted.id}`}
						onClick={(e) => {
							e.preventDefault();
							document.querySelector(`[data-message-id="${quoted.id}"]`)?.scrollIntoView({ block: 'center' });
						}}
					>
						<span className="quote-author">{quoted.fromMe ? t('thread.you') : quoted.senderName || customerName || ''}</span>
						<span className="quote-text">{quoted.body ?? t(MEDIA_LABELS[quoted.type] ?? 'media.message')}</span>
					</a>
				)}
				{message.isDeleted ? (
					<em className="deleted">🚫 {t('thread.deleted')}</em>
				) : (
					<>
						{FILE_TYPES.has(message.type) && <MediaView message={message} localUrl={localUrl} />}
						{message.type === 'location' && <LocationView message={message} />}
						{message.type === 'contact' && <ContactCardView message={message} />}
						{media && !FILE_TYPES.has(message.type) && !CARD_TYPES.has(message.type) && (
							<span className="media-placeholder">
								{t(media)}
								{message.media?.fileName ? `: ${message.media.fileName}` : ''}
							</span>
						)}
						{message.body && !CARD_TYPES.has(message.type) && <span className="text">{message.body}</span>}
						{message.transcript && (
							<span className="transcript" aria-label={t('ai.transcript')}>
								📝 {message.transcript}
							</span>
						)}
					</>
				)}
				<span className="meta">
					{message.sentByAi && <span className="by-ai">{t('ai.sentByAi')}</span>}
					{heldBack && <span className="held-back">{t('outbox.heldUntil', { time: clock(message.expectedSendAt!) })}</span>}
					{!heldBack && heldForChannel && ours && !note && message.status === 'queued' && <span className="held-for-channel">{t('outbox.heldForChannel')}</span>}
					{message.isEdited && !message.isDeleted && <span className="edited">{t('thread.edited')}</span>}
					<time dateTime={message.waTimestamp ?? message.threadAt}>{clock(message.waTimestamp ?? message.threadAt)}</time>
					{tick && (
						<span className={tick.className} role="img" aria-label={t(`ticks.${message.status}`)} title={message.error ?? undefined}>
							{tick.symbol}
						</span>
					)}
				</span>
				{failed && (
					<span className="failure" role="alert">
						<span title={message.error ?? undefined}>{failureReason(message, t)}</span>
						<button type="button" className="retry" disabled={actions.retrying} onClick={() => actions.onRetry(message)}>
							{t('thread.retry')}
						</button>
					</span>
				)}
				{message.reactions.length > 0 && (
					<span className="reactions" aria-label={t('thread.reactions')}>
						{message.reactions.map((r, i) => (
							<span key={`${r.reactorJid}-${i}`}>{r.emoji}</span>
						))}
					</span>
				)}
			</div>
			{!note && !message.isDeleted && !message.id.startsWith('pending-') && (
				<span className="bubble-actions">
					<button type="button" className="reply-button" aria-label={t('thread.reply')} onClick={() => actions.onReply(message)}>
						↩
					</button>
					{message.waMessageId && (
						<button type="button" className="react-button" aria-label={t('thread.react')} aria-expanded={reacting} onClick={() => setReacting((open) => !open)}>
							☺
						</button>
					)}
					{reacting && (
						<span className="quick-reactions" role="group" aria-label={t('thread.react')}>
							{QUICK_REACTIONS.map((emoji) => {
								const mine = message.reactions.some((r) => r.fromMe && r.emoji === emoji);
								return (
									<button
										key={emoji}
										type="button"
										aria-label={mine ? t('thread.unreact', { emoji }) : emoji}
										aria-pressed={mine}
										onClick={() => {
											actions.onReact(message, mine ? '' : emoji);
											setReacting(false);
										}}
									>
										{emoji}
									</button>
								);
							})}
						</span>
					)}
				</span>
			)}
		</li>
	);
}
