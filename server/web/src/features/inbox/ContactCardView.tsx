import { useTranslation } from 'react-i18next';
import type { Message } from '../../lib/api-types';
import { readVCard } from './vcard';

/**
 * A shared contact card (one or several): each person's name and phone numbers, read from WhatsApp's vCard, as text.
 * The card's display name stands in when the vCard has none.
 */
export function ContactCardView({ message }: { message: Message }) {
	const { t } = useTranslation();
	const contacts = message.details?.contacts;
	const shared = Array.isArray(contacts) ? (contacts as Array<{ displayName?: string; vcard?: string }>) : [];
	const cards = shared.map((contact) => {
		const card = readVCard(contact.vcard);
		return { name: card.name ?? contact.displayName ?? null, phones: card.phones };
	});
	if (cards.length === 0) cards.push({ name: message.body, phones: [] });
	return (
		<span className="contact-cards">
			{cards.map((card, index) => (
				<span key={index} className="contact-card" role="group" aria-label={t('media.contactCard', { name: card.name ?? t('media.contact') })}>
					<span className="avatar" aria-hidden="true">
						{(card.name ?? '?').slice(0, 1).toUpperCase()}
					</span>
					<span className="contact-card-text">
						<strong className="contact-card-name">{card.name ?? t('media.contact')}</strong>
						{card.phones.map((phone) => (
							<span key={phone.number} className="contact-card-phone">
								{phone.number}
							</span>
						))}
					</span>
				</span>
			))}
		</span>
	);
}
