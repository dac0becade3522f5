import type { Queryable } from '../../db/db';
import { cursorKeySql, decodeCursor, encodeCursor, withoutSortKey } from '../api/cursor';
import { conversationSearch, conversationSearchHitsSql } from './conversation-search';
import { searchStatistics } from './search-statistics';
import { CONVERSATION_COLUMNS, CONVERSATION_FROM, type ConversationSummary } from './conversation-view';

export const ASSIGNEE_TABS = ['mine', 'unassigned', 'all'] as const;
export type AssigneeTab = (typeof ASSIGNEE_TABS)[number];
/**
 * `active` (the default) is what waits for an answer: `pending` (a customer wrote and nobody took it yet, which is
 * how every new conversation starts) and `open` (being attended). A default of `open` alone hid every newcomer.
 */
export const STATUS_FILTERS = ['active', 'open', 'pending', 'resolved', 'snoozed', 'all'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export interface ConversationListQuery {
	assignee: AssigneeTab;
	status: StatusFilter;
	channelId?: string;
	search?: string;
	unreadOnly?: boolean;
	cursor?: string;
	limit: number;
}

/**
 * Tab counts stop at this number (a page shows "999+"): counting every row of a 100k-conversation workspace on each
 * page costs tens of milliseconds, counting up to the cap costs one short index scan per tab.
 */
export const TAB_COUNT_CAP = 1000;

export interface ConversationTabCounts {
	mine: number;
	unassigned: number;
	all: number;
}

export interface ConversationPage {
	items: ConversationSummary[];
	nextCursor: string | null;
	counts: ConversationTabCounts;
}

/** The WHERE shared by the page and the tab counts: everything but the search, the assignee tab and the cursor. */
function commonFilters(workspaceId: string, query: ConversationListQuery, params: unknown[]): string[] {
	params.push(workspaceId);
	const where = ['c.workspace_id = $1'];
	if (query.status === 'active') {
		where.push(`c.status IN ('pending', 'open')`);
	} else if (query.status !== 'all') {
		params.push(query.status);
		where.push(`c.status = $${params.length}`);
	}
	if (query.channelId) {
		params.push(query.channelId);
		where.push(`c.channel_id = $${params.length}`);
	}
	if (query.unreadOnly) where.push('c.unread_count > 0');
	return where;
}

/** The page's own conditions on rows `alias` (with assigned_user_id, last_activity_at, id): the assignee tab and the cursor. */
function pageFilters(alias: string, caller: { userId: string | null }, query: ConversationListQuery, params: unknown[]): string[] {
	const where: string[] = [];
	if (query.assignee === 'mine') {
		if (caller.userId) {
			params.push(caller.userId);
			where.push(`${alias}.assigned_user_id = $${params.length}`);
		} else {
			where.push('false');
		}
	} else if (query.assignee === 'unassigned') {
		where.push(`${alias}.assigned_user_id IS NULL`);
	}
	if (query.cursor) {
		const after = decodeCursor(query.cursor);
		params.push(after.at, after.id);
		where.push(`(${alias}.last_activity_at, ${alias}.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
	}
	return where;
}

type PageRow = ConversationSummary & { sortKey: string };

function withoutTabCounts(row: PageRow & { tabCounts: ConversationTabCounts }): PageRow {
	const { tabCounts, ...rest } = row;
	void tabCounts;
	return rest;
}

function toPage(rows: PageRow[], query: ConversationListQuery, counts: ConversationTabCounts): ConversationPage {
	const shown = rows.slice(0, query.limit);
	const last = shown[shown.length - 1];
	return {
		items: shown.map(withoutSortKey),
		nextCursor: rows.length > query.limit && last ? encodeCursor(last.sortKey, last.id) : null,
		counts,
	};
}

/**
 * A page of the inbox list, newest activity first, with the mine / unassigned / all counts for the same filters
 * (Chatwoot returns them with every page so the tabs stay right), each capped at TAB_COUNT_CAP. `userId` null (an
 * API token) has no "mine".
 */
export async function listConversations(
	db: Queryable,
	caller: { workspaceId: string; userId: string | null },
	query: ConversationListQuery,
): Promise<ConversationPage> {
	if (query.search) return searchConversations(db, caller, query, query.search);
	const params: unknown[] = [];
	const common = commonFilters(caller.workspaceId, query, params);
	const countParams = [...params];
	const where = [...common, ...pageFilters('c', caller, query, params)];
	params.push(query.limit + 1);

	countParams.push(caller.userId);
	const me = `$${countParams.length}::uuid`;
	const capped = (extra: string) =>
		`(SELECT count(*) FROM (SELECT 1 FROM whatsapp_conversations c WHERE ${[...common, extra].join(' AND ')} LIMIT ${TAB_COUNT_CAP}) counted)::int`;
	const [page, counts] = await Promise.all([
		db.query<PageRow>(
			`SELECT ${CONVERSATION_COLUMNS}, ${cursorKeySql('c.last_activity_at')} AS "sortKey"
			 FROM ${CONVERSATION_FROM} WHERE ${where.join(' AND ')}
			 ORDER BY c.last_activity_at DESC, c.id DESC LIMIT $${params.length}`,
			params,
		),
		db.query<ConversationTabCounts>(
			`SELECT ${capped(`c.assigned_user_id = ${me}`)} AS mine, ${capped('c.assigned_user_id IS NULL')} AS unassigned, ${capped('true')} AS "all"`,
			countParams,
		),
	]);
	return toPage(page.rows, query, counts.rows[0]);
}

/**
 * The list under a search, in one statement: the matching conversations are found once (see
 * conversationSearchHitsSql) and kept; the three tab counts are counted from that set, and the page takes its rows
 * from the top of it before joining them to their conversations and contacts. Filtered the way the plain lists are
 * (a condition on the page query and on each capped count) the search ran four times a request.
 */
async function searchConversations(
	db: Queryable,
	caller: { workspaceId: string; userId: string | null },
	query: ConversationListQuery,
	text: string,
): Promise<ConversationPage> {
	const params: unknown[] = [];
	const common = commonFilters(caller.workspaceId, query, params);
	const search = conversationSearch(text, await searchStatistics(db));
	const hits = conversationSearchHitsSql(common, search, (value) => `$${params.push(value)}`);
	params.push(caller.userId);
	const me = `$${params.length}::uuid`;
	const where = pageFilters('h', caller, query, params);
	params.push(query.limit + 1);

	// One row per conversation of the page, each also carrying the counts; a single row with a null id when the
	// page is empty.
	const { rows } = await db.query<(PageRow | { id: null }) & { tabCounts: ConversationTabCounts }>(
		`WITH hits AS MATERIALIZED (${hits}),
		 counts AS (
			SELECT json_build_object(
				'mine', least(count(*) FILTER (WHERE assigned_user_id = ${me}), ${TAB_COUNT_CAP}),
				'unassigned', least(count(*) FILTER (WHERE assigned_user_id IS NULL), ${TAB_COUNT_CAP}),
				'all', least(count(*), ${TAB_COUNT_CAP})) AS "tabCounts"
			FROM hits),
		 paged AS (
			SELECT h.id, h.last_activity_at FROM hits h ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
			ORDER BY h.last_activity_at DESC, h.id DESC LIMIT $${params.length})
		 SELECT page.*, counts."tabCounts" FROM counts LEFT JOIN LATERAL (
			SELECT ${CONVERSATION_COLUMNS}, ${cursorKeySql('p.last_activity_at')} AS "sortKey"
			FROM ${CONVERSATION_FROM} JOIN paged p ON p.id = c.id
		 ) page ON true
		 ORDER BY page."lastActivityAt" DESC, page.id DESC`,
		params,
	);
	const pageRows = rows.filter((row): row is PageRow & { tabCounts: ConversationTabCounts } => row.id !== null).map(withoutTabCounts);
	return toPage(pageRows, query, rows[0].tabCounts);
}
