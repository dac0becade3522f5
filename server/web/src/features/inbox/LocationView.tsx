import { useTranslation } from 'react-i18next';
import type { Message } from '../../lib/api-types';

const coordinate = (value: unknown, limit: number): number | null => (typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= limit ? value : null);

/**
 * A shared location, as WhatsApp Web shows it: the place's name and address when it has them, and a link that opens
 * the point on a map (Google Maps' documented search URL, which phones hand to their maps app). The link is built
 * from the two numbers only: nothing the sender typed goes into it.
 */
export function LocationView({ message }: { message: Message }) {
	const { t } = useTranslation();
	const details = message.details ?? {};
	const latitude = coordinate(details.latitude, 90);
	const longitude = coordinate(details.longitude, 180);
	const name = typeof details.name === 'string' ? details.name : null;
	const address = typeof details.address === 'string' ? details.address : null;
	const map = latitude !== null && longitude !== null ? `https://www.google.com/maps/search/?${new URLSearchParams({ api: '1', query: `${latitude},${longitude}` })}` : null;
	return (
		<span className="location">
			<span className="location-label">{t(details.live === true ? 'media.liveLocation' : 'media.location')}</span>
			{name && <strong className="location-name">{name}</strong>}
			{address && <span className="location-address">{address}</span>}
			{map ? (
				<a className="map-link" href={map} target="_blank" rel="noopener noreferrer">
					{t('thread.openMap')}
				</a>
			) : (
				!name && !address && message.body && <span>{message.body}</span>
			)}
		</span>
	);
}
