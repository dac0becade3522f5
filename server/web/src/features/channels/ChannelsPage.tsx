import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLanguage } from '../../lib/i18n';
import { clock } from '../inbox/format';
import { AddChannelForm } from './AddChannelForm';
import { ChannelActions } from './ChannelActions';
import { ChannelLog } from './ChannelLog';
import { CHANNELS_KEY, listChannels } from './channels-api';
import { PacingSettings } from './PacingSettings';
import { QrPanel } from './QrPanel';
import { SyncPanel } from './SyncPanel';

/**
 * "Canais": the numbers with their state, why they are in it and what to do; adding one (QR or pairing code),
 * reconnecting, logging out, removing; each number's log, history import and sending pace. Pairing and the actions
 * are the admins' (the API refuses them to agents), so agents see the state and the log only.
 */
export function ChannelsPage({ isAdmin }: { isAdmin: boolean }) {
	const { t } = useTranslation();
	const channels = useQuery({ queryKey: CHANNELS_KEY, queryFn: listChannels });
	const [adding, setAdding] = useState(false);
	const language = currentLanguage();
	return (
		<section className="channels-page" aria-labelledby="channels-title">
			<header className="channels-header">
				<h1 id="channels-title">{t('app.channels')}</h1>
				{isAdmin && (
					<button type="button" className="primary" aria-expanded={adding} onClick={() => setAdding((open) => !open)}>
						{t('channels.add')}
					</button>
				)}
			</header>
			{!isAdmin && <p className="hint">{t('channels.adminsOnly')}</p>}
			{adding && <AddChannelForm onDone={() => setAdding(false)} />}
			{channels.isError && (
				<p role="alert" className="form-error">
					{t('errors.unreachable')}
				</p>
			)}
			{channels.data?.data.length === 0 && <p className="empty">{t('channels.none')}</p>}
			<ul className="channel-list">
				{channels.data?.data.map((channel) => {
					const state = t(`channels.status.${channel.status}`, { defaultValue: channel.status });
					// The reason, unless it only repeats the state ("Conectado" after pairing).
					const reason = channel.statusMessage?.[language];
					return (
						<li key={channel.id} className="channel-card" aria-label={channel.name}>
							<div className="channel-main">
								<h2>{channel.name}</h2>
								<span className={`channel-status ${channel.status}`}>{state}</span>
								{reason && reason !== state && <span className="status-message">{reason}</span>}
								{channel.needsPairing && <span className="hint warning">{t('channels.needsPairing')}</span>}
								{channel.phoneE164 && <span>{channel.phoneE164}</span>}
								{channel.profileName && <span>{channel.profileName}</span>}
								{channel.lastEventAt && <span className="hint">{t('channels.lastEvent', { time: clock(channel.lastEventAt) })}</span>}
							</div>
							{isAdmin && channel.status === 'connecting' && <QrPanel channel={channel} />}
							{isAdmin && <ChannelActions channel={channel} />}
							<SyncPanel channel={channel} isAdmin={isAdmin} />
							<PacingSettings key={channel.id} channel={channel} isAdmin={isAdmin} />
							<ChannelLog channelId={channel.id} />
						</li>
					);
				})}
			</ul>
		</section>
	);
}
