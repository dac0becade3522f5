import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { navigate } from '../../app/router';
import type { Channel } from '../../lib/api-types';
import { currentLanguage } from '../../lib/i18n';
import { CHANNELS_KEY, listChannels } from '../channels/channels-api';

/** The conversation's channel, from the list the Canais screen shares (channel.* events keep it current). */
export function useChannel(channelId: string): Channel | undefined {
	const channels = useQuery({ queryKey: CHANNELS_KEY, queryFn: listChannels, staleTime: 30_000 });
	return channels.data?.data.find((c) => c.id === channelId);
}

/**
 * Above the composer while the conversation's number is not connected to WhatsApp: what happened (the server's
 * reason), that what the attendant sends waits in the queue instead of being lost, and where to fix it — Canais,
 * which admins can open from here; agents are told to ask one.
 */
export function ChannelDownNotice({ channel, isAdmin }: { channel: Channel | undefined; isAdmin: boolean }) {
	const { t } = useTranslation();
	if (!channel || channel.status === 'connected') return null;
	const reason = channel.statusMessage?.[currentLanguage()];
	const fix = channel.needsPairing ? 'channelDown.pairAgain' : 'channelDown.reconnect';
	return (
		<div className="channel-down" role="alert">
			<p>
				<strong>{t('channelDown.title', { name: channel.name })}</strong>
				{reason ? ` (${reason}).` : ''} {t('channelDown.held')} {t(isAdmin ? fix : 'channelDown.askAdmin')}
			</p>
			{isAdmin && (
				<button type="button" onClick={() => navigate({ name: 'channels' })}>
					{t('channelDown.openChannels')}
				</button>
			)}
		</div>
	);
}
