import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../lib/api-client';
import type { Channel } from '../../lib/api-types';
import { clock } from '../inbox/format';
import { PacingSettings } from './PacingSettings';
import { SyncPanel } from './SyncPanel';

interface QrView {
	code: string | null;
	pairingCode: string | null;
	image: string | null;
	refreshedAt: string | null;
	expiresAt: string | null;
}

const listChannels = () => unwrap<{ data: Channel[] }>(api.GET('/api/v1/channels'));
const getQr = (channelId: string) => unwrap<QrView>(api.GET('/api/v1/channels/{channelId}/qr', { params: { path: { channelId } } }));
const getLog = (channelId: string) =>
	unwrap<{ data: Array<{ id: string; message: string; createdAt: string }> }>(
		api.GET('/api/v1/channels/{channelId}/log', { params: { path: { channelId }, query: { limit: 20 } } }),
	);

/** Seconds left until `iso`, ticking every second. */
function useCountdown(iso: string | null | undefined): number | null {
	const [now, setNow] = useState(() => Date.now());
	useEffect(() => {
		const timer = setInterval(() => setNow(Date.now()), 1000);
		return () => clearInterval(timer);
	}, []);
	return iso ? Math.max(0, Math.round((Date.parse(iso) - now) / 1000)) : null;
}

/** The QR while a number pairs: the server refreshes it about every 40 s; channel.qr events refetch it here. */
function QrPanel({ channel }: { channel: Channel }) {
	const { t } = useTranslation();
	const qr = useQuery({ queryKey: ['channel', channel.id, 'qr'], queryFn: () => getQr(channel.id), refetchInterval: 5_000 });
	const left = useCountdown(qr.data?.expiresAt);
	if (!qr.data?.image && !qr.data?.pairingCode) return <p className="hint">{t('channels.waitingQr')}</p>;
	return (
		<div className="qr-panel">
			{qr.data.image && <img src={qr.data.image} alt={t('channels.qrAlt')} width={240} height={240} />}
			{qr.data.pairingCode && (
				<p>
					{t('channels.pairingCode')}: <strong>{qr.data.pairingCode}</strong>
				</p>
			)}
			<p className="hint">{t('channels.scanHint')}</p>
			{qr.data.refreshedAt && <p className="hint">{t('channels.refreshedAt', { time: clock(qr.data.refreshedAt) })}</p>}
			{left !== null && <p className="hint">{t('channels.expiresIn', { seconds: left })}</p>}
		</div>
	);
}

function ChannelLog({ channelId }: { channelId: string }) {
	const { t } = useTranslation();
	const log = useQuery({ queryKey: ['channel', channelId, 'log'], queryFn: () => getLog(channelId) });
	return (
		<details className="channel-log">
			<summary>{t('channels.log')}</summary>
			<ol>
				{log.data?.data.map((line) => (
					<li key={line.id}>
						<time dateTime={line.createdAt}>{clock(line.createdAt)}</time> {line.message}
					</li>
				))}
			</ol>
		</details>
	);
}

type Verb = 'reconnect' | 'logout' | 'delete';

function runAction(channelId: string, verb: Verb) {
	const path = { params: { path: { channelId } } };
	if (verb === 'delete') return unwrap(api.DELETE('/api/v1/channels/{channelId}', path));
	if (verb === 'logout') return unwrap(api.POST('/api/v1/channels/{channelId}/logout', path));
	return unwrap(api.POST('/api/v1/channels/{channelId}/reconnect', path));
}

/** "Canais": the numbers, their state, adding one by QR, importing their history and their sending pace. */
export function ChannelsPage({ isAdmin }: { isAdmin: boolean }) {
	const { t, i18n } = useTranslation();
	const queryClient = useQueryClient();
	const channels = useQuery({ queryKey: ['channels'], queryFn: listChannels });
	const [adding, setAdding] = useState(false);
	const [name, setName] = useState('');
	const [error, setError] = useState<string | null>(null);
	const refresh = () => void queryClient.invalidateQueries({ queryKey: ['channels'] });
	const add = useMutation({
		mutationFn: (channelName: string) =>
			unwrap<{ channel: Channel }>(api.POST('/api/v1/channels', { body: { name: channelName, instanceName: `inbox-${crypto.randomUUID().slice(0, 8)}` } })),
		onSuccess: () => {
			setAdding(false);
			setName('');
			refresh();
		},
		onError: (e: Error) => setError(e.message),
	});
	const action = useMutation({ mutationFn: ({ id, verb }: { id: string; verb: Verb }) => runAction(id, verb), onSettled: refresh });
	const submit = (event: FormEvent) => {
		event.preventDefault();
		if (name.trim()) add.mutate(name.trim());
	};
	const language = i18n.language === 'en' ? 'en' : 'pt-BR';
	return (
		<section className="channels-page" aria-labelledby="channels-title">
			<header className="channels-header">
				<h1 id="channels-title">{t('app.channels')}</h1>
				<button type="button" className="primary" onClick={() => setAdding(true)}>
					{t('channels.add')}
				</button>
			</header>
			{adding && (
				<form className="add-channel" onSubmit={submit}>
					<label>
						{t('channels.name')}
						<input required maxLength={120} value={name} onChange={(e) => setName(e.target.value)} />
					</label>
					<button type="submit" className="primary" disabled={add.isPending}>
						{t('channels.create')}
					</button>
					{error && (
						<p role="alert" className="form-error">
							{error}
						</p>
					)}
				</form>
			)}
			{channels.data?.data.length === 0 && <p className="empty">{t('channels.none')}</p>}
			<ul className="channel-list">
				{channels.data?.data.map((channel) => (
					<li key={channel.id} className="channel-card" aria-label={channel.name}>
						<div className="channel-main">
							<h2>{channel.name}</h2>
							<span className={`channel-status ${channel.status}`}>{t(`channels.status.${channel.status}`, { defaultValue: channel.status })}</span>
							<span>{channel.phoneE164 ?? ''}</span>
							<span>{channel.profileName ?? ''}</span>
							{channel.statusMessage && <span className="hint">{channel.statusMessage[language]}</span>}
							{channel.lastEventAt && <span className="hint">{t('channels.lastEvent', { time: clock(channel.lastEventAt) })}</span>}
						</div>
						{channel.status !== 'connected' && <QrPanel channel={channel} />}
						<div className="channel-actions">
							<button type="button" onClick={() => action.mutate({ id: channel.id, verb: 'reconnect' })}>
								{t('channels.reconnect')}
							</button>
							<button type="button" onClick={() => action.mutate({ id: channel.id, verb: 'logout' })}>
								{t('channels.logout')}
							</button>
							<button type="button" className="danger" onClick={() => window.confirm(t('channels.confirmDelete')) && action.mutate({ id: channel.id, verb: 'delete' })}>
								{t('channels.delete')}
							</button>
						</div>
						<SyncPanel channel={channel} isAdmin={isAdmin} />
						<PacingSettings key={channel.id} channel={channel} isAdmin={isAdmin} />
						<ChannelLog channelId={channel.id} />
					</li>
				))}
			</ul>
		</section>
	);
}
