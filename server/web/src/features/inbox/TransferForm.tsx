import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Conversation } from '../../lib/api-types';
import { assign, listAttendants } from './inbox-api';

const NOBODY = 'none';

/**
 * Transfer (or assign, or unassign) with an optional note for whoever receives the conversation: the note goes into
 * the thread's system line and into the receiver's notification, never to the customer.
 */
export function TransferForm({ conversation, onDone, onCancel }: { conversation: Conversation; onDone: () => void; onCancel: () => void }) {
	const { t } = useTranslation();
	const attendants = useQuery({ queryKey: ['attendants'], queryFn: listAttendants, staleTime: 60_000 });
	const [to, setTo] = useState('');
	const [note, setNote] = useState('');
	const formId = useId();
	const transfer = useMutation({
		mutationFn: () => assign(conversation.id, to === NOBODY ? null : to, note.trim() || undefined),
		onSuccess: onDone,
	});
	const submit = (event: FormEvent) => {
		event.preventDefault();
		if (to) transfer.mutate();
	};
	return (
		<form className="transfer-form" aria-label={t('thread.transferTitle')} onSubmit={submit}>
			{/* Labelled by id, not by wrapping: a wrapping label would add the chosen option to the box's name. */}
			<div className="field">
				<label htmlFor={`${formId}-to`}>{t('thread.transferTo')}</label>
				<select id={`${formId}-to`} autoFocus required value={to} onChange={(e) => setTo(e.target.value)}>
					<option value="" disabled>
						{t('thread.transferPick')}
					</option>
					{attendants.data?.data
						.filter((a) => a.isActive && a.id !== conversation.assigneeId)
						.map((a) => (
							<option key={a.id} value={a.id}>
								{a.name}
							</option>
						))}
					{conversation.assigneeId && <option value={NOBODY}>{t('thread.unassign')}</option>}
				</select>
			</div>
			<div className="field transfer-note-field">
				<label htmlFor={`${formId}-note`}>{t('thread.transferNoteLabel')}</label>
				<textarea
					id={`${formId}-note`}
					rows={2}
					maxLength={1000}
					value={note}
					onChange={(e) => setNote(e.target.value)}
					placeholder={t('thread.transferNotePlaceholder')}
				/>
			</div>
			<button type="submit" className="primary" disabled={!to || transfer.isPending}>
				{t('thread.transferSubmit')}
			</button>
			<button type="button" onClick={onCancel}>
				{t('thread.cancel')}
			</button>
			{transfer.isError && (
				<p role="alert" className="form-error">
					{t('thread.transferFailed')}
				</p>
			)}
		</form>
	);
}
