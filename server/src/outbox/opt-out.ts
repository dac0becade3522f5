import type { Queryable } from '../db/db';

/**
 * Opt-out: a contact who writes one of the words (SAIR, PARAR, STOP, CANCELAR by default; OPT_OUT_WORDS, comma
 * separated) as their whole message is marked opted out. Proactive sends to them are refused with a clear error;
 * replies in a conversation they keep are still allowed. Runs inside ingest's database transaction: no Redis.
 */
export const DEFAULT_OPT_OUT_WORDS = ['SAIR', 'PARAR', 'STOP', 'CANCELAR'];

const normalise = (text: string) =>
	text
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/[^\p{L}\p{N} ]/gu, ' ')
		.trim()
		.replace(/\s+/g, ' ')
		.toUpperCase();

let configured: Set<string> | undefined;

/**
 * The server's configured words (config OPT_OUT_WORDS), set once as it starts: ingest checks every stored message
 * deep inside its write transaction, where no configuration travels. One process runs one configuration.
 */
export function useOptOutWords(words: readonly string[]): void {
	const set = new Set(words.map(normalise).filter(Boolean));
	configured = set.size ? set : undefined;
}

/** The words in force: the configured ones, else OPT_OUT_WORDS, else the defaults; compared without accents, case or punctuation. */
export function optOutWords(): Set<string> {
	configured ??= new Set((process.env.OPT_OUT_WORDS ? process.env.OPT_OUT_WORDS.split(',') : DEFAULT_OPT_OUT_WORDS).map(normalise).filter(Boolean));
	return configured;
}

/** The opt-out word a message is, or undefined ("Sair", "stop!", " PARAR " are; "não quero parar agora" is not). */
export function optOutWordOf(body: string | null | undefined, words = optOutWords()): string | undefined {
	if (!body || body.length > 40) return undefined;
	const text = normalise(body);
	return words.has(text) ? text : undefined;
}

/** Marks the contacts of these conversations opted out (once: the first word and time are kept); answers their ids. */
export async function markOptedOut(db: Queryable, items: Array<{ workspaceId: string; conversationId: string; word: string }>): Promise<string[]> {
	if (!items.length) return [];
	const { rows } = await db.query<{ id: string }>(
		`UPDATE contacts c SET opted_out_at = now(), opted_out_word = v.word, updated_at = now()
		 FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS v(w, cv, word)
		 JOIN whatsapp_conversations conv ON conv.id = v.cv AND conv.workspace_id = v.w
		 WHERE c.workspace_id = v.w AND c.id = conv.contact_id AND c.opted_out_at IS NULL RETURNING c.id`,
		[items.map((i) => i.workspaceId), items.map((i) => i.conversationId), items.map((i) => i.word)],
	);
	return rows.map((r) => r.id);
}

/** The opt-outs among freshly stored messages: people (not us, not groups, not history) whose whole message is a word. */
export function optOutsOf(
	items: Array<{ workspaceId: string; message: { fromMe: boolean; history: boolean; body?: string; chat: { isGroup: boolean } } }>,
	stored: Array<{ stored?: { inserted: boolean; conversationId: string } } | undefined>,
): Array<{ workspaceId: string; conversationId: string; word: string }> {
	return items.flatMap((item, i) => {
		const row = stored[i]?.stored;
		if (!row?.inserted || item.message.fromMe || item.message.history || item.message.chat.isGroup) return [];
		const word = optOutWordOf(item.message.body);
		return word ? [{ workspaceId: item.workspaceId, conversationId: row.conversationId, word }] : [];
	});
}
