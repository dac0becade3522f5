import { format } from 'date-fns';
import type { TFunction } from 'i18next';
import type { Message } from '../../lib/api-types';
import { dateLocale } from './format';

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value : null);

/**
 * A system line (assigned, transferred, unassigned, status changed) in the attendant's language. The server writes
 * the line's body in English for the API, and in `details` what happened and the names as they were then; an
 * attendant's current name (`nameOf`) stands in for a line written before the names were kept. Any other line (the
 * AI's) is its body as written.
 */
export function systemLineText(message: Pick<Message, 'body' | 'details'>, t: TFunction, language: string, nameOf: (userId: unknown) => string | null): string {
	const details = message.details ?? {};
	const name = (stored: unknown, userId: unknown) => text(stored) ?? nameOf(userId);
	if (details.kind === 'assignment') {
		const by = name(details.byName, details.byUserId);
		const from = details.fromUserId ? (name(details.fromName, details.fromUserId) ?? t('thread.system.formerAttendant')) : null;
		const to = details.toUserId ? name(details.toName, details.toUserId) : null;
		// Someone the page cannot name (an API token, before the names were kept): the server's own words.
		if (!by || (details.toUserId && !to)) return message.body ?? '';
		const line = to
			? from
				? t('thread.system.transferred', { by, from, to })
				: t('thread.system.assigned', { by, to })
			: from
				? t('thread.system.unassignedFrom', { by, from })
				: t('thread.system.unassigned', { by });
		const note = text(details.note);
		return note ? t('thread.system.withNote', { line, note }) : line;
	}
	if (details.kind === 'status' && typeof details.to === 'string' && ['open', 'pending', 'resolved', 'snoozed'].includes(details.to)) {
		const by = name(details.byName, details.byUserId);
		if (!by) return message.body ?? '';
		const until = text(details.snoozedUntil);
		if (details.to === 'snoozed' && until) return t('thread.system.snoozedUntil', { by, when: format(new Date(until), 'Pp', { locale: dateLocale(language) }) });
		// Back to "em atendimento" from resolved or snoozed is a reopening; from "aguardando" it is taking it up.
		if (details.to === 'open' && (details.from === 'resolved' || details.from === 'snoozed')) return t('thread.system.reopened', { by });
		return t(`thread.system.status.${details.to}`, { by });
	}
	return message.body ?? '';
}
