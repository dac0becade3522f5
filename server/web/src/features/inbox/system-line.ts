import { format } from 'date-fns';
import type { TFunction } from 'i18next';
import type { Message } from '../../lib/api-types';
import { dateLocale } from './format';

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value : null);

/**
 * A system line (assigned, transferred, unassigned, status changed) in the attendant's language. The server writes
 * the line's body in English for the API, and in `details` what happened and the names as they were then; an
 * attendant's current name (`nameOf`) stands in for a line written before the names were kept. The AI's lines
 * (`kind: 'ai_state'`) are said from their reason and `vars`; a line the page has no words for (an older one without
 * its vars, a reason added later) is its body as written.
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
	if (details.kind === 'ai_state' && typeof details.reason === 'string') return aiLineText(details, t, nameOf) ?? message.body ?? '';
	return message.body ?? '';
}

const AI_LINES: Record<string, string> = {
	attendant_message: 'thread.system.ai.pausedAttendantMessage',
	note: 'thread.system.ai.pausedNote',
	assigned: 'thread.system.ai.pausedAssigned',
	phone_message: 'thread.system.ai.pausedPhone',
	finished: 'thread.system.ai.finished',
};
const AI_LINES_BY: Record<string, string> = {
	given_back: 'thread.system.ai.givenBack',
	paused_by_attendant: 'thread.system.ai.pausedBy',
	turned_off: 'thread.system.ai.turnedOffBy',
	proactive_ai: 'thread.system.ai.proactive',
};

function aiLineText(details: Record<string, unknown>, t: TFunction, nameOf: (userId: unknown) => string | null): string | null {
	const reason = details.reason as string;
	const vars = (typeof details.vars === 'object' && details.vars !== null ? details.vars : {}) as Record<string, unknown>;
	if (AI_LINES[reason]) return t(AI_LINES[reason]);
	if (AI_LINES_BY[reason]) {
		const by = text(vars.by) ?? nameOf(details.byUserId);
		return by ? t(AI_LINES_BY[reason], { by }) : null;
	}
	if (reason === 'customer_started') return text(vars.agent) ? t('thread.system.ai.customerStarted', { agent: vars.agent }) : null;
	if (reason === 'idle_resume') return typeof vars.minutes === 'number' ? t('thread.system.ai.idleResume', { minutes: vars.minutes }) : null;
	if (reason.startsWith('handed_off') && 'assignee' in vars) {
		const line = text(vars.assignee) ? t('thread.system.ai.handedOffTo', { assignee: vars.assignee }) : t('thread.system.ai.handedOffNobody');
		if (text(vars.keyword)) return t('thread.system.ai.becauseKeyword', { line, keyword: vars.keyword });
		if (typeof vars.attempts === 'number') return t('thread.system.ai.becauseProvider', { line, attempts: vars.attempts });
		return text(vars.why) ? t('thread.system.ai.because', { line, why: vars.why }) : line;
	}
	return null;
}
