import type { SearchStatistics, WordShare } from './search-statistics';

/** LIKE pattern matching `text` anywhere, with the user's % and _ taken literally. */
export function containsPattern(text: string): string {
	return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Digits with what people write around phone numbers: "+55 (11) 98765-4321", "11 9876.5432". */
const PHONE_LIKE = /^[\d\s+().-]+$/;

/**
 * A word in at least this share of rows is left out of an index probe: a trigram index reads the whole posting list
 * of every trigram it is asked for, and the trigrams of a word nearly every row contains ("cliente" in a list of
 * "Cliente N") cost a read of the whole index while excluding almost nothing.
 */
const COMMON_SHARE = 0.5;
/** …provided another word of the search is in at most this share of rows, so the probe stays short. */
const SELECTIVE_SHARE = 0.05;

/** What the inbox search looks for, made from what the user typed. */
export interface ConversationSearch {
	/** The text anywhere (LIKE pattern, % and _ literal), case-insensitively: name, push name, last message. */
	contains: string;
	/** For a phone-like search, its digits anywhere in the contact's phone (LIKE pattern); otherwise null. */
	phoneDigits: string | null;
	/**
	 * For each searched column, the words (as LIKE patterns) its index is probed with instead of the whole text, the
	 * whole text being checked on what the probe finds; null to probe with the whole text.
	 */
	probe: { contactText: string[] | null; lastMessage: string[] | null };
}

export function conversationSearch(text: string, statistics?: SearchStatistics): ConversationSearch {
	const digits = PHONE_LIKE.test(text) ? text.replace(/\D/g, '') : '';
	return {
		contains: containsPattern(text),
		phoneDigits: digits ? `%${digits}%` : null,
		probe: {
			contactText: statistics ? probeWords(text, statistics.contactText) : null,
			lastMessage: statistics ? probeWords(text, statistics.lastMessage) : null,
		},
	};
}

/**
 * The words of `text` (as LIKE patterns) to probe a trigram index with when some word is common and another is
 * selective; null when the whole text is the better probe. A word qualifies only with three letters or digits in a
 * row: shorter ones give the index nothing to look up, and would make it read everything.
 */
export function probeWords(text: string, share: WordShare): string[] | null {
	const words = [...new Set(text.split(/\s+/).filter(Boolean))];
	if (words.length < 2) return null;
	const shares = new Map(words.map((word) => [word, share(word)]));
	if (!words.some((word) => shares.get(word)! >= COMMON_SHARE)) return null;
	const kept = words.filter((word) => shares.get(word)! < COMMON_SHARE && /[a-z0-9]{3}/i.test(word));
	if (!kept.some((word) => shares.get(word)! <= SELECTIVE_SHARE)) return null;
	return kept.map(containsPattern);
}

/**
 * A text condition on a trigram-indexed column: `column LIKE pattern` for the whole text, or, with probe words,
 * those words through the index and the whole text checked on the rows they find. The whole-text check is written
 * as a function call (textlike / texticlike are what LIKE / ILIKE call) because the planner only hands operators
 * to an index: this keeps it out of the probe.
 */
function textCondition(column: string, operator: 'LIKE' | 'ILIKE', wholeParam: string, probeParams: string[] | null): string {
	const casing = (p: string) => (operator === 'LIKE' ? `lower(${p})` : p);
	if (!probeParams) return `${column} ${operator} ${casing(wholeParam)}`;
	const probes = probeParams.map((p) => `${column} ${operator} ${casing(p)}`);
	return `(${probes.join(' AND ')} AND ${operator === 'LIKE' ? 'textlike' : 'texticlike'}(${column}, ${casing(wholeParam)}))`;
}

/**
 * The conversations matching a search, as (id, assigned_user_id, last_activity_at) rows for the list to page and
 * count: `filters` are the list's conditions on conversations `c` (workspace first, as `$1`); `param` adds a
 * parameter and answers its placeholder.
 *
 * Contacts and last messages are searched separately, each through its own trigram index where pg_trgm exists
 * (migrations 0011 and 0013), and joined to the filtered conversations: a short index probe and a join per branch,
 * instead of a condition every conversation of the workspace would be tested against. The contact columns are the
 * normalised ones of migration 0013 (search_text is lower-cased, so LIKE against the lower-cased pattern is ILIKE).
 */
export function conversationSearchHitsSql(filters: string[], search: ConversationSearch, param: (value: unknown) => string): string {
	const contains = param(search.contains);
	const probe = (words: string[] | null) => words && words.map(param);
	const contactText = textCondition('s.search_text', 'LIKE', contains, probe(search.probe.contactText));
	const contactMatch = search.phoneDigits ? `${contactText} OR s.phone_digits LIKE ${param(search.phoneDigits)}` : contactText;
	const lastMessage = textCondition('c.last_message_preview', 'ILIKE', contains, probe(search.probe.lastMessage));
	return `SELECT c.id, c.assigned_user_id, c.last_activity_at
		FROM contacts s JOIN whatsapp_conversations c ON c.workspace_id = s.workspace_id AND c.contact_id = s.id
		WHERE s.workspace_id = $1 AND (${contactMatch}) AND ${filters.join(' AND ')}
		UNION
		SELECT c.id, c.assigned_user_id, c.last_activity_at
		FROM whatsapp_conversations c
		WHERE ${filters.join(' AND ')} AND ${lastMessage}`;
}
