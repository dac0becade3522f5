import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiFailure } from '../../lib/api-client';
import { createCannedResponse, deleteCannedResponse, listCannedResponses } from './canned-api';

/** The team's canned responses: the list, a new one (short code + text), delete. Opened from the composer. */
export function CannedManager({ onClose }: { onClose: () => void }) {
	const { t } = useTranslation();
	const queryClient = useQueryClient();
	const canned = useQuery({ queryKey: ['canned-responses'], queryFn: listCannedResponses });
	const [shortCode, setShortCode] = useState('');
	const [content, setContent] = useState('');
	const [error, setError] = useState<string | null>(null);
	const refresh = () => void queryClient.invalidateQueries({ queryKey: ['canned-responses'] });
	const create = useMutation({
		mutationFn: () => createCannedResponse(shortCode, content),
		onSuccess: () => {
			setShortCode('');
			setContent('');
			setError(null);
			refresh();
		},
		onError: (e) => setError(e instanceof ApiFailure && e.status === 409 ? t('canned.duplicate') : e instanceof ApiFailure && e.status === 400 ? t('canned.invalid') : t('errors.unreachable')),
	});
	const remove = useMutation({ mutationFn: deleteCannedResponse, onSuccess: refresh });
	const submit = (event: FormEvent) => {
		event.preventDefault();
		if (shortCode.trim() && content.trim()) create.mutate();
	};
	return (
		<div className="canned-manager" role="dialog" aria-label={t('canned.title')} onKeyDown={(e) => e.key === 'Escape' && onClose()}>
			<header>
				<h3>{t('canned.title')}</h3>
				<button type="button" aria-label={t('media.close')} onClick={onClose}>
					✕
				</button>
			</header>
			<p className="hint">{t('canned.hint')}</p>
			<ul>
				{canned.data?.data.map((c) => (
					<li key={c.id}>
						<code>/{c.shortCode}</code> <span className="canned-content">{c.content}</span>
						<button type="button" className="danger" aria-label={t('canned.delete', { code: c.shortCode })} onClick={() => remove.mutate(c.id)}>
							🗑
						</button>
					</li>
				))}
			</ul>
			<form onSubmit={submit}>
				<label>
					{t('canned.shortCode')}
					<input value={shortCode} onChange={(e) => setShortCode(e.target.value)} placeholder="oi" maxLength={41} />
				</label>
				<label>
					{t('canned.content')}
					<textarea value={content} onChange={(e) => setContent(e.target.value)} rows={2} maxLength={4096} placeholder={t('canned.contentPlaceholder')} />
				</label>
				{error && (
					<p role="alert" className="form-error">
						{error}
					</p>
				)}
				<button type="submit" className="primary" disabled={create.isPending || !shortCode.trim() || !content.trim()}>
					{t('canned.save')}
				</button>
			</form>
		</div>
	);
}
