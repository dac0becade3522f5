import { useQuery } from '@tanstack/react-query';
import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Contact, Message } from '../../lib/api-types';
import { fillVariables, listCannedResponses, matchCanned, type CannedResponse } from './canned-api';
import { CannedManager } from './CannedManager';
import { EmojiPicker } from './EmojiPicker';
import { useOurTyping } from './our-typing';
import { VoiceRecorder } from './VoiceRecorder';

export interface ComposerProps {
	conversationId: string;
	/** Who the conversation is with: fills a canned response's {{name}}, {{first_name}}, {{phone}}. */
	contact: Contact;
	replyTo: Message | null;
	onCancelReply: () => void;
	/** A text for the customer: shown at once as a pending bubble, posted by the thread. */
	onSendText: (text: string, replyTo: Message | null) => void;
	/** A file (with the text as its caption): uploaded to the media store, then sent by its mediaId. A recorded voice note comes with its duration. */
	onSendFile: (file: File, caption: string, replyTo: Message | null, durationSeconds?: number) => void;
	/** A private note for the team (never sent to WhatsApp). */
	onAddNote: (text: string) => Promise<void>;
	/** Focus the text box once the chat is shown (the conversation was just picked in the list). */
	autoFocus?: boolean;
}

/** The box at the bottom of the chat: text (Enter sends, Shift+Enter breaks the line), files, voice notes, reply, private note. */
export function Composer({ conversationId, contact, replyTo, onCancelReply, onSendText, onSendFile, onAddNote, autoFocus = false }: ComposerProps) {
	const { t } = useTranslation();
	const [text, setText] = useState('');
	const textBox = useRef<HTMLTextAreaElement>(null);
	// Only when the composer first shows: a later render must not take the focus from wherever the attendant moved it.
	const [focusOnMount] = useState(autoFocus);
	useEffect(() => {
		if (focusOnMount) textBox.current?.focus();
	}, [focusOnMount]);
	const [emojiOpen, setEmojiOpen] = useState(false);
	const [managing, setManaging] = useState(false);
	// "/" then a short code, as the whole text: the canned responses that match, picked with the arrows and Enter.
	const slash = /^\/(\S*)$/.exec(text);
	const [dismissed, setDismissed] = useState<string | null>(null);
	const [active, setActive] = useState(0);
	const canned = useQuery({ queryKey: ['canned-responses'], queryFn: listCannedResponses, enabled: !!slash, staleTime: 30_000 });
	const options = slash && dismissed !== text ? matchCanned(canned.data?.data ?? [], slash[1]) : [];
	const activeIndex = Math.min(active, Math.max(0, options.length - 1));
	const pick = (choice: CannedResponse) => {
		setText(fillVariables(choice.content, contact));
		setActive(0);
		textBox.current?.focus();
	};
	const insertEmoji = (emoji: string) => {
		const box = textBox.current;
		const start = box?.selectionStart ?? text.length;
		const end = box?.selectionEnd ?? text.length;
		setText(text.slice(0, start) + emoji + text.slice(end));
		requestAnimationFrame(() => {
			box?.focus();
			box?.setSelectionRange(start + emoji.length, start + emoji.length);
		});
	};
	const onSuggestionKeys = (e: KeyboardEvent<HTMLTextAreaElement>): boolean => {
		if (!options.length) return false;
		if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
			e.preventDefault();
			setActive((activeIndex + (e.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length);
			return true;
		}
		if (e.key === 'Enter' || e.key === 'Tab') {
			e.preventDefault();
			pick(options[activeIndex]);
			return true;
		}
		if (e.key === 'Escape') {
			e.preventDefault();
			setDismissed(text);
			return true;
		}
		return false;
	};
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
		<>
			{/* Its own form: kept out of the composer's (forms do not nest). */}
			{managing && <CannedManager onClose={() => setManaging(false)} />}
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
				{options.length > 0 && (
					<ul className="canned-suggestions" role="listbox" id={`canned-${conversationId}`} aria-label={t('canned.title')}>
						{options.map((option, index) => (
							<li
								key={option.id}
								id={`canned-option-${option.id}`}
								role="option"
								aria-selected={index === activeIndex}
								onMouseDown={(e) => {
									e.preventDefault();
									pick(option);
								}}
							>
								<code>/{option.shortCode}</code> <span className="canned-content">{fillVariables(option.content, contact)}</span>
							</li>
						))}
					</ul>
				)}
				{slash && options.length === 0 && canned.isSuccess && dismissed !== text && (
					<p className="hint canned-none">
						{t('canned.none')}{' '}
						<button type="button" className="link-button" onClick={() => setManaging(true)}>
							{t('canned.manage')}
						</button>
					</p>
				)}
				{emojiOpen && (
					<EmojiPicker
						onPick={insertEmoji}
						onClose={() => {
							setEmojiOpen(false);
							textBox.current?.focus();
						}}
					/>
				)}
				<div className="composer-row">
					<button
						type="button"
						className="icon-button emoji-toggle"
						aria-label={t('composer.emoji')}
						aria-expanded={emojiOpen}
						title={t('composer.emoji')}
						onClick={() => setEmojiOpen((open) => !open)}
					>
						😊
					</button>
					<button type="button" className="icon-button" aria-label={t('canned.title')} title={t('canned.title')} onClick={() => setManaging((open) => !open)}>
						⚡
					</button>
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
							<VoiceRecorder
								disabled={!!file}
								onRecorded={(recorded, durationSeconds) => {
									typing.stop();
									onSendFile(recorded, '', replyTo, durationSeconds);
									onCancelReply();
								}}
							/>
						</>
					)}
					<label className="note-toggle">
						<input type="checkbox" checked={note} onChange={(e) => setNote(e.target.checked)} />
						{t('thread.privateNote')}
					</label>
					<textarea
						ref={textBox}
						rows={1}
						value={text}
						role="combobox"
						aria-autocomplete="list"
						aria-expanded={options.length > 0}
						aria-controls={options.length > 0 ? `canned-${conversationId}` : undefined}
						aria-activedescendant={options.length > 0 ? `canned-option-${options[activeIndex].id}` : undefined}
						aria-label={note ? t('thread.notePlaceholder') : t('thread.messagePlaceholder')}
						placeholder={note ? t('thread.notePlaceholder') : t('thread.messagePlaceholder')}
						onChange={(e) => {
							setText(e.target.value);
							if (e.target.value) typing.typed();
							else typing.stop();
						}}
						onKeyDown={(e) => {
							if (onSuggestionKeys(e)) return;
							if (e.key === 'Enter' && !e.shiftKey) void submit(e);
						}}
					/>
					<button type="submit" className="primary" disabled={busy || (!text.trim() && !(file && !note))}>
						{note ? t('thread.addNote') : t('thread.send')}
					</button>
				</div>
			</form>
		</>
	);
}
