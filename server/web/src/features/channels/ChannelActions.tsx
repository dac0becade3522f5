import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Channel } from '../../lib/api-types';
import { CHANNELS_KEY, connectChannel, logoutChannel, reconnectChannel, removeChannel } from './channels-api';

type Asking = null | 'logout' | 'delete' | 'code';

/** A question asked inside the card (never window.confirm: it blocks the page and cannot be labelled or styled). */
function Confirm({ title, children, onCancel }: { title: string; children: ReactNode; onCancel: () => void }) {
	const titleId = useId();
	const box = useRef<HTMLDivElement>(null);
	// Focus goes into the question, so a keyboard user answers it next; Escape is "Cancelar".
	useEffect(() => box.current?.querySelector<HTMLElement>('input, button')?.focus(), []);
	return (
		<div
			ref={box}
			className="confirm"
			role="alertdialog"
			aria-labelledby={titleId}
			onKeyDown={(e) => {
				if (e.key === 'Escape') onCancel();
			}}
		>
			<p id={titleId} className="confirm-title">
				{title}
			</p>
			{children}
		</div>
	);
}

/**
 * What an admin can do with a number from its card: reconnect it now; log it out of WhatsApp (a new QR is needed
 * afterwards) after saying so; pair it again when it needs it (a new QR, or a pairing code for a number); remove the
 * channel, choosing whether its Evolution instance goes too or is only let go of.
 */
export function ChannelActions({ channel }: { channel: Channel }) {
	const { t } = useTranslation();
	const queryClient = useQueryClient();
	const [asking, setAsking] = useState<Asking>(null);
	const [instanceChoice, setInstanceChoice] = useState<'delete' | 'detach'>(channel.instanceOwned ? 'delete' : 'detach');
	const [phone, setPhone] = useState('');
	const refresh = () => {
		void queryClient.invalidateQueries({ queryKey: CHANNELS_KEY });
		void queryClient.invalidateQueries({ queryKey: ['channel', channel.id] });
	};
	const run = useMutation({
		mutationFn: (action: () => Promise<unknown>) => action(),
		onSuccess: () => setAsking(null),
		onSettled: refresh,
	});
	const pairing = channel.needsPairing;
	// Evolution gives a pairing code only when it opens a new connection: a channel whose QR merely expired is still
	// pairing there, so it is offered a new QR; one created without pairing, or logged out, can also take a code.
	const canUseCode = channel.status === 'created' || channel.status === 'logged_out';
	const requestCode = (event: FormEvent) => {
		event.preventDefault();
		run.mutate(() => connectChannel(channel.id, phone.trim()));
	};

	return (
		<div className="channel-actions">
			<div className="channel-buttons">
				{pairing ? (
					<>
						<button type="button" className="primary" disabled={run.isPending} onClick={() => run.mutate(() => connectChannel(channel.id))}>
							{t('channels.newQr')}
						</button>
						{canUseCode && (
							<button type="button" aria-expanded={asking === 'code'} onClick={() => setAsking(asking === 'code' ? null : 'code')}>
								{t('channels.byCode')}
							</button>
						)}
					</>
				) : (
					channel.status !== 'connecting' && (
						<button type="button" disabled={run.isPending} onClick={() => run.mutate(() => reconnectChannel(channel.id))}>
							{t('channels.reconnect')}
						</button>
					)
				)}
				{!pairing && channel.status !== 'connecting' && (
					<button type="button" aria-expanded={asking === 'logout'} onClick={() => setAsking('logout')}>
						{t('channels.logout')}
					</button>
				)}
				<button type="button" className="danger" aria-expanded={asking === 'delete'} onClick={() => setAsking('delete')}>
					{t('channels.delete')}
				</button>
			</div>

			{asking === 'code' && (
				<form className="code-form" aria-label={t('channels.byCode')} onSubmit={requestCode}>
					<label>
						{t('channels.phone')}
						<input type="tel" autoComplete="tel" required maxLength={40} value={phone} onChange={(e) => setPhone(e.target.value)} placeholder="+55 11 91234-5678" />
					</label>
					<button type="submit" className="primary" disabled={run.isPending}>
						{t('channels.requestCode')}
					</button>
				</form>
			)}

			{asking === 'logout' && (
				<Confirm title={t('channels.confirmLogout', { name: channel.name })} onCancel={() => setAsking(null)}>
					<div className="confirm-buttons">
						<button type="button" className="danger" disabled={run.isPending} onClick={() => run.mutate(() => logoutChannel(channel.id))}>
							{t('channels.confirmLogoutButton')}
						</button>
						<button type="button" onClick={() => setAsking(null)}>
							{t('channels.cancel')}
						</button>
					</div>
				</Confirm>
			)}

			{asking === 'delete' && (
				<Confirm title={t('channels.deleteTitle', { name: channel.name })} onCancel={() => setAsking(null)}>
					<p className="hint">{t('channels.deleteWarning')}</p>
					<fieldset className="instance-choice">
						<legend>{t('channels.instanceChoice')}</legend>
						<label className="inline">
							<input type="radio" name={`instance-${channel.id}`} checked={instanceChoice === 'delete'} onChange={() => setInstanceChoice('delete')} />
							{t('channels.deleteInstance')}
						</label>
						<label className="inline">
							<input type="radio" name={`instance-${channel.id}`} checked={instanceChoice === 'detach'} onChange={() => setInstanceChoice('detach')} />
							{t('channels.detachInstance')}
						</label>
					</fieldset>
					<div className="confirm-buttons">
						<button type="button" className="danger" disabled={run.isPending} onClick={() => run.mutate(() => removeChannel(channel.id, instanceChoice))}>
							{t('channels.confirmDelete')}
						</button>
						<button type="button" onClick={() => setAsking(null)}>
							{t('channels.cancel')}
						</button>
					</div>
				</Confirm>
			)}

			{run.isError && (
				<p role="alert" className="form-error">
					{t('channels.actionFailed', { reason: run.error.message })}
				</p>
			)}
		</div>
	);
}
