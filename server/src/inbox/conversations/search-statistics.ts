import type { Queryable } from '../../db/db';

/** The share of rows (0–1) whose searched text contains a word, as far as the statistics tell. */
export type WordShare = (word: string) => number;

/** How common words are in the two searched columns: contacts' search_text and conversations' last message. */
export interface SearchStatistics {
	contactText: WordShare;
	lastMessage: WordShare;
}

/** What pg_stats keeps about a column: its most common values with their shares, and a histogram of the rest. */
export interface ColumnSample {
	nullFrac: number;
	commonValues: string[];
	commonShares: number[];
	histogram: string[];
}

/**
 * A word's share estimated from a column's sample the way the planner estimates LIKE: the common values that
 * contain it count with their own share, the histogram's values for the rest of the rows in proportion.
 */
export function wordShare(sample: ColumnSample): WordShare {
	const common = sample.commonValues.map((v) => v.toLowerCase());
	const histogram = sample.histogram.map((v) => v.toLowerCase());
	const commonTotal = sample.commonShares.reduce((a, b) => a + b, 0);
	const rest = Math.max(0, 1 - sample.nullFrac - commonTotal);
	return (word) => {
		const w = word.toLowerCase();
		let share = 0;
		common.forEach((value, i) => {
			if (value.includes(w)) share += sample.commonShares[i];
		});
		if (histogram.length > 0) share += (rest * histogram.filter((value) => value.includes(w)).length) / histogram.length;
		return share;
	};
}

const NO_STATISTICS: SearchStatistics = { contactText: () => 0, lastMessage: () => 0 };
const TTL_MS = 10 * 60_000;
const cache = new WeakMap<Queryable, { loadedAt: number; statistics: Promise<SearchStatistics> }>();

/**
 * The search's statistics for a database, read from pg_stats (what ANALYZE and autovacuum keep) at most every ten
 * minutes per process. Without statistics yet (a new database, PGlite before an ANALYZE) every word counts as rare,
 * which is the plain search.
 */
export function searchStatistics(db: Queryable, now = Date.now()): Promise<SearchStatistics> {
	const cached = cache.get(db);
	if (cached && now - cached.loadedAt < TTL_MS) return cached.statistics;
	const statistics = loadStatistics(db).catch(() => NO_STATISTICS);
	cache.set(db, { loadedAt: now, statistics });
	return statistics;
}

async function loadStatistics(db: Queryable): Promise<SearchStatistics> {
	const { rows } = await db.query<{ tablename: string; null_frac: number | string; mcv: string[] | null; mcf: Array<number | string> | null; histogram: string[] | null }>(
		`SELECT tablename, null_frac, most_common_vals::text::text[] AS mcv, most_common_freqs AS mcf, histogram_bounds::text::text[] AS histogram
		 FROM pg_stats
		 WHERE schemaname = current_schema()
			AND ((tablename = 'contacts' AND attname = 'search_text') OR (tablename = 'whatsapp_conversations' AND attname = 'last_message_preview'))`,
	);
	const share = (table: string): WordShare => {
		const row = rows.find((r) => r.tablename === table);
		if (!row) return () => 0;
		return wordShare({
			nullFrac: Number(row.null_frac),
			commonValues: row.mcv ?? [],
			commonShares: (row.mcf ?? []).map(Number),
			histogram: row.histogram ?? [],
		});
	};
	return { contactText: share('contacts'), lastMessage: share('whatsapp_conversations') };
}
