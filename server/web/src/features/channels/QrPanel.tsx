import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Channel } from '../../lib/api-types';
import { clock } from '../inbox/format';
import { getQr } from './channels-api';

/** Seconds left until `iso`, ticking every second. */
function useCountdown(iso: string | null | undefined): number | null {
	const [now, setNow] = useState(() => Date.now());
	useEffect(() => {
		const timer = setInterval(() => setNow(Date.now()), 1000);
		return () => clearInterval(timer);
	}, []);
	return iso ? Math.max(0, Math.round((Date.parse(iso) - now) / 1000)) : null;
}

/** WhatsApp shows the 8 characters as two groups of four ("ABCD-EFGH"); the phone accepts them either way. */
export function formatPairingCode(code: string): string {
	return code.length === 8 ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
}

/**
 * How the number pairs while the channel is `connecting`: the QR to scan, or — when pairing by phone number was asked
 * for — the code to type on the phone. The server asks Evolution for a fresh one about every 40 s and announces it
 * (channel.qr refetches this); the countdown is the pairing window's end.
 */
export function QrPanel({ channel }: { channel: Channel }) {
	const { t } = useTranslation();
	const qr = useQuery({ queryKey: ['channel', channel.id, 'qr'], queryFn: () => getQr(channel.id), refetchInterval: 5_000 });
	const left = useCountdown(qr.data?.expiresAt);
	const byCode = channel.statusReason === 'pairing_requested' || !!qr.data?.pairingCode;
	if (byCode && !qr.data?.pairingCode) return <p className="hint qr-panel">{t('channels.waitingCode')}</p>;
	if (!byCode && !qr.data?.image) return <p className="hint qr-panel">{t('channels.waitingQr')}</p>;
	return (
		<div className="qr-panel">
			{qr.data?.pairingCode ? (
				<section aria-label={t('channels.pairingCode')}>
					<p className="hint">{t('channels.pairingCode')}</p>
					<output className="pairing-code">{formatPairingCode(qr.data.pairingCode)}</output>
					<p className="hint">{t('channels.codeHint')}</p>
				</section>
			) : (
				<>
					{qr.data?.image && <img src={qr.data.image} alt={t('channels.qrAlt')} width={240} height={240} />}
					<p className="hint">{t('channels.scanHint')}</p>
				</>
			)}
			{qr.data?.refreshedAt && (
				<p className="hint">{t(qr.data.pairingCode ? 'channels.codeRefreshedAt' : 'channels.refreshedAt', { time: clock(qr.data.refreshedAt) })}</p>
			)}
			{left !== null && <p className="hint">{t('channels.expiresIn', { seconds: left })}</p>}
		</div>
	);
}
