import type { EvolutionClient } from '../providers/evolution/evolution-client';

/** A findChats row (CONTRACT §2.3): one per remoteJid with stored messages. */
export interface EvolutionChat {
	remoteJid: string;
	pushName?: string | null;
	updatedAt?: string | null;
}

/** A findMessages record: the DB copy of a message, without `status`; its receipts are in MessageUpdate[]. */
export interface EvolutionHistoryRecord {
	key: { id: string; remoteJid: string; remoteJidAlt?: string | null; fromMe?: boolean; participant?: string | null };
	messageTimestamp?: unknown;
	MessageUpdate?: Array<{ status?: string }>;
	[field: string]: unknown;
}

export interface HistoryPage {
	page: number;
	pages: number;
	records: EvolutionHistoryRecord[];
}

/** Page size of findMessages: one page is one write chunk (500, as the sync's chunks). */
export const HISTORY_PAGE_SIZE = 500;

/** The chats Evolution knows, most recent first; status broadcasts and newsletters are not chats to import. */
export async function listChats(client: EvolutionClient, instance: string): Promise<EvolutionChat[]> {
	const chats = await client.request<EvolutionChat[]>('POST', '/chat/findChats', { where: {} }, { instance, timeout: 120_000 });
	if (!Array.isArray(chats)) throw new Error('findChats did not answer a list');
	const seen = new Set<string>();
	return chats.filter((chat) => {
		const jid = chat?.remoteJid;
		if (typeof jid !== 'string' || !jid || seen.has(jid) || jid === 'status@broadcast' || jid.endsWith('@newsletter') || jid.endsWith('@broadcast')) return false;
		seen.add(jid);
		return true;
	});
}

/**
 * One findMessages page of a chat inside the run's window, newest first. The window's upper bound is fixed when the
 * run starts, so messages arriving meanwhile do not shift the pages (they come in live), and a page number is a
 * cursor a resumed run can start from. Both bounds are ISO strings: Evolution filters only when both are given.
 */
export async function fetchHistoryPage(
	client: EvolutionClient,
	instance: string,
	remoteJid: string,
	window: { start: Date; end: Date },
	page: number,
): Promise<HistoryPage> {
	const answer = await client.request<{ messages?: { pages?: number; currentPage?: number; records?: EvolutionHistoryRecord[] } }>(
		'POST',
		'/chat/findMessages',
		{
			where: { key: { remoteJid }, messageTimestamp: { gte: window.start.toISOString(), lte: window.end.toISOString() } },
			page,
			offset: HISTORY_PAGE_SIZE,
		},
		{ instance, timeout: 120_000 },
	);
	const messages = answer?.messages;
	if (!messages || !Array.isArray(messages.records)) throw new Error(`findMessages for ${remoteJid} did not answer {messages:{records}}`);
	return { page, pages: Number(messages.pages ?? 0), records: messages.records };
}
