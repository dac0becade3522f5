import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { addChannel, CHANNELS_KEY } from './channels-api';

/**
 * "Adicionar número": a name, and how the phone will pair — scanning a QR, or typing a pairing code on the phone (for
 * a phone whose camera cannot read the screen). The server creates the Evolution instance and starts pairing at once.
 */
export function AddChannelForm({ onDone }: { onDone: () => void }) {
	const { t } = useTranslation();
	const queryClient = useQueryClient();
	const [name, setName] = useState('');
	const [method, setMethod] = useState<'qr' | 'code'>('qr');
	const [phone, setPhone] = useState('');
	const add = useMutation({
		mutationFn: () => addChannel(name.trim(), method === 'code' ? phone.trim() : undefined),
		onSuccess: () => {
			void queryClient.invalidateQueries({ queryKey: CHANNELS_KEY });
			onDone();
		},
	});
	const submit = (event: FormEvent) => {
		event.preventDefault();
		if (name.trim()) add.mutate();
	};
	return (
		<form className="add-channel" onSubmit={submit} aria-label={t('channels.add')}>
			<label>
				{t('channels.name')}
				<input required maxLength={120} value={name} onChange={(e) => setName(e.target.value)} />
			</label>
			<fieldset className="pair-method">
				<legend>{t('channels.method')}</legend>
				<label className="inline">
					<input type="radio" name="pair-method" checked={method === 'qr'} onChange={() => setMethod('qr')} />
					{t('channels.methodQr')}
				</label>
				<label className="inline">
					<input type="radio" name="pair-method" checked={method === 'code'} onChange={() => setMethod('code')} />
					{t('channels.methodCode')}
				</label>
			</fieldset>
			{method === 'code' && (
				<label>
					{t('channels.phone')}
					<input type="tel" autoComplete="tel" required maxLength={40} value={phone} onChange={(e) => setPhone(e.target.value)} placeholder="+55 11 91234-5678" />
				</label>
			)}
			<button type="submit" className="primary" disabled={add.isPending}>
				{t(method === 'code' ? 'channels.createCode' : 'channels.create')}
			</button>
			{add.isError && (
				<p role="alert" className="form-error">
					{t('channels.actionFailed', { reason: add.error.message })}
				</p>
			)}
		</form>
	);
}
