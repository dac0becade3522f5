/** LIKE pattern matching `text` anywhere, with the user's % and _ taken literally. */
export function containsPattern(text: string): string {
	return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Digits with what people write around phone numbers: "+55 (11) 98765-4321", "11 9876.5432". */
const PHONE_LIKE = /^[\d\s+().-]+$/;

/** What the inbox search looks for, made from what the user typed. */
export interface ConversationSearch {
	/** The text anywhere (LIKE pattern, % and _ literal), case-insensitively: name, push name, last message. */
	contains: string;
	/** For a phone-like search, its digits anywhere in the contact's phone (LIKE pattern); otherwise null. */
	phoneDigits: string | null;
}

export function conversationSearch(text: string): ConversationSearch {
	const digits = PHONE_LIKE.test(text) ? text.replace(/\D/g, '') : '';
	return { contains: containsPattern(text), phoneDigits: digits ? `%${digits}%` : null };
}

/**
 * The conversations matching a search, as (id, assigned_user_id, last_activity_at) rows for the list to page and
 * count: `filters` are the list's conditions on conversations `c` (workspace first, as `$1`), `containsParam` and
 * `digitsParam` the parameters holding ConversationSearch's patterns (`digitsParam` null when there are no digits).
 *
 * Contacts and last messages are searched separately, each through its own trigram index where pg_trgm exists
 * (migrations 0011 and 0013), and joined to the filtered conversations: a short index probe and a join per branch,
 * instead of a condition every conversation of the workspace would be tested against. The contact columns are the
 * normalised ones of migration 0013 (search_text is lower-cased, so LIKE against the lower-cased pattern is ILIKE).
 */
export function conversationSearchHitsSql(filters: string[], containsParam: string, digitsParam: string | null): string {
	const contactMatch = `s.search_text LIKE lower(${containsParam})${digitsParam ? ` OR s.phone_digits LIKE ${digitsParam}` : ''}`;
	return `SELECT c.id, c.assigned_user_id, c.last_activity_at
		FROM contacts s JOIN whatsapp_conversations c ON c.workspace_id = s.workspace_id AND c.contact_id = s.id
		WHERE s.workspace_id = $1 AND (${contactMatch}) AND ${filters.join(' AND ')}
		UNION
		SELECT c.id, c.assigned_user_id, c.last_activity_at
		FROM whatsapp_conversations c
		WHERE ${filters.join(' AND ')} AND c.last_message_preview ILIKE ${containsParam}`;
}
