import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Message } from '../../lib/api-types';
import { useOurTyping } from './our-typing';

export interface ComposerProps {
	conversationId: string;
	replyTo: Message | null;
	onCancelReply: () => void;
	/** A text for the customer: shown at once as a pending bubble, posted by the thread. */
	onSendText: (text: string, replyTo: Message | null) => void;
	/** A file (with the text as its caption): uploaded to the media store, then sent by its mediaId. */
	onSendFile: (file: File, caption: string, replyTo: Message | null) => void;
	/** A private note for the team (never sent to WhatsApp). */
	onAddNote: (text: string) => Promise<void>;
}

/** The box at the bottom of the chat: text (Enter sends, Shift+Enter breaks the line), reply, private note. */
export function Composer({ conversationId, replyTo, onCancelReply, onSendText, onSendFile, onAddNote }: ComposerProps) {
	const { t } = useTranslation();
	const [text, setText] = useState('');
	const [file, setFile] = useState<File | null>(null);
	const fileInput = useRef<HTMLInputElement>(null);
	const [note, setNote] = useState(false);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<string | null>(null);
	const typing = useOurTyping(conversationId, note);

	const submit = async (event: FormEvent) => {
		event.preventDefault();
		const body = text.trim();
		if ((!body && !file) || busy) return;
		typing.stop();
		if (file && !note) {
			onSendFile(file, body, replyTo);
			setFile(null);
			setText('');
			onCancelReply();
			return;
		}
		if (!body) return;
		if (!note) {
			// The bubble shows at once; failures show on it, with a retry.
			onSendText(body, replyTo);
			setText('');
			onCancelReply();
			return;
		}
		setBusy(true);
		try {
			await onAddNote(body);
			setText('');
			setError(null);
		} catch {
			setError(t('thread.noteFailed'));
		} finally {
			setBusy(false);
		}
	};

	return (
		<form className={`composer ${note ? 'note-mode' : ''}`} onSubmit={(e) => void submit(e)}>
			{replyTo && (
				<div className="replying">
					<span>
						{t('thread.replyingTo')}: {replyTo.body ?? ''}
					</span>
					<button type="button" aria-label={t('thread.cancelReply')} onClick={onCancelReply}>
						✕
					</button>
				</div>
			)}
			{error && (
				<p role="alert" className="form-error">
					{error}
				</p>
			)}
			{file && !note && (
				<div className="attachment" role="group" aria-label={t('composer.attachment')}>
					<span aria-hidden="true">📎</span>
					<span className="attachment-name">{file.name}</span>
					<span className="hint">{t('composer.captionHint')}</span>
					<button type="button" aria-label={t('composer.removeAttachment')} onClick={() => setFile(null)}>
						✕
					</button>
				</div>
			)}
			<div className="composer-row">
				{!note && (
					<>
						<button type="button" className="icon-button" aria-label={t('composer.attach')} title={t('composer.attach')} onClick={() => fileInput.current?.click()}>
							📎
						</button>
						<input
							ref={fileInput}
							type="file"
							className="visually-hidden"
							tabIndex={-1}
							aria-label={t('composer.chooseFile')}
							accept="image/jpeg,image/png,image/webp,video/mp4,audio/*,application/pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.txt,.csv,.zip"
							onChange={(e) => {
								setFile(e.target.files?.[0] ?? null);
								e.target.value = '';
							}}
						/>
					</>
				)}
				<label className="note-toggle">
					<input type="checkbox" checked={note} onChange={(e) => setNote(e.target.checked)} />
					{t('thread.privateNote')}
				</label>
				<textarea
					rows={1}
					value={text}
					aria-label={note ? t('thread.notePlaceholder') : t('thread.messagePlaceholder')}
					placeholder={note ? t('thread.notePlaceholder') : t('thread.messagePlaceholder')}
					onChange={(e) => {
						setText(e.target.value);
						if (e.target.value) typing.typed();
						else typing.stop();
					}}
					onKeyDown={(e) => {
						if (e.key === 'Enter' && !e.shiftKey) void submit(e);
					}}
				/>
				<button type="submit" className="primary" disabled={busy || (!text.trim() && !(file && !note))}>
					{note ? t('thread.addNote') : t('thread.send')}
				</button>
			</div>
		</form>
	);
}
