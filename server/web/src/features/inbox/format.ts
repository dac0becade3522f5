import { format, isSameDay, isToday, isYesterday } from 'date-fns';
import { enUS, ptBR } from 'date-fns/locale';
import type { Contact } from '../../lib/api-types';

export const dateLocale = (language: string) => (language === 'en' ? enUS : ptBR);

/** The list's time: the hour today, "ontem"/"yesterday", else the date. */
export function listTime(iso: string | null, language: string, yesterday: string): string {
	if (!iso) return '';
	const date = new Date(iso);
	if (isToday(date)) return format(date, 'HH:mm');
	if (isYesterday(date)) return yesterday;
	return format(date, 'P', { locale: dateLocale(language) });
}

/** The thread's separator: "hoje", "ontem" or the full date. */
export function dayLabel(iso: string, language: string, today: string, yesterday: string): string {
	const date = new Date(iso);
	if (isToday(date)) return today;
	if (isYesterday(date)) return yesterday;
	return format(date, 'PPP', { locale: dateLocale(language) });
}

export const sameDay = (a: string, b: string) => isSameDay(new Date(a), new Date(b));
export const clock = (iso: string) => format(new Date(iso), 'HH:mm');

/** Who the conversation is with, as people know them: the saved name, WhatsApp's push name, or the number. */
export function contactName(contact: Contact): string {
	return contact.name?.trim() || contact.pushName?.trim() || contact.phoneE164 || contact.waJid || '?';
}

/** "999+" past the server's count cap. */
export function capped(count: number, cap: number): string {
	return count >= cap ? `${cap - 1}+` : String(count);
}

/**
 * The server stores a conversation's last-message line with fixed labels for what is not text ("📄 Document",
 * "📷 Photo: caption…", see server/src/messages/message-preview.ts), the same for everyone. The list shows them in
 * the attendant's language: the known label at the start is swapped for the catalogue's; the rest stays as typed.
 */
const PREVIEW_LABELS: Array<[stored: string, key: string]> = [
	['📷 Photo', 'media.image'],
	['🎥 Video', 'media.video'],
	['🎤 Audio', 'media.audio'],
	['📄 Document', 'media.document'],
	['Sticker', 'media.sticker'],
	['📍 Location', 'media.location'],
	['👤 Contact', 'media.contact'],
	['📊 Poll', 'media.poll'],
	['🚫 This message was deleted', 'media.deleted'],
	['Message', 'media.message'],
];

export function localPreview(preview: string | null, translate: (key: string) => string): string {
	if (!preview) return '';
	for (const [stored, key] of PREVIEW_LABELS) {
		if (preview === stored) return translate(key);
		if (preview.startsWith(`${stored}: `)) return `${translate(key)}${preview.slice(stored.length)}`;
	}
	return preview;
}
