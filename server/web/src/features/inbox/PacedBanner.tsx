import { useTranslation } from 'react-i18next';
import { useRealtime } from '../../app/realtime-context';
import { clock } from './format';

/**
 * "Mensagens em fila para evitar bloqueio": shown to everyone in the workspace when pacing holds proactive sends
 * back (the message.paced event), with when the last of them should go; it leaves by itself at that time.
 */
export function PacedBanner() {
	const { t } = useTranslation();
	const { paced, dismissPaced } = useRealtime();
	if (!paced) return null;
	return (
		<div className="paced-banner" role="status">
			<span>
				<strong>{t('outbox.paced')}</strong>{' '}
				{paced.lastExpectedSendAt ? t('outbox.pacedUntil', { count: paced.count, time: clock(paced.lastExpectedSendAt) }) : t('outbox.pacedCount', { count: paced.count })}
			</span>
			<button type="button" aria-label={t('outbox.dismiss')} onClick={dismissPaced}>
				✕
			</button>
		</div>
	);
}
