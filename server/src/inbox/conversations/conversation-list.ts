import type { Queryable } from '../../db/db';
import { cursorKeySql, decodeCursor, encodeCursor, withoutSortKey } from '../api/cursor';
import { conversationSearchSql, containsPattern } from './conversation-search';
import { CONVERSATION_COLUMNS, CONVERSATION_FROM, type ConversationSummary } from './conversation-view';

export const ASSIGNEE_TABS = ['mine', 'unassigned', 'all'] as const;
export type AssigneeTab = (typeof ASSIGNEE_TABS)[number];
export const STATUS_FILTERS = ['open', 'pending', 'resolved', 'snoozed', 'all'] as const;
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

/** The WHERE shared by the page and the tab counts: everything but the assignee tab and the cursor. */
function commonFilters(workspaceId: string, query: ConversationListQuery, params: unknown[]): string[] {
	params.push(workspaceId);
	const where = ['c.workspace_id = $1'];
	if (query.status !== 'all') {
		params.push(query.status);
		where.push(`c.status = $${params.length}`);
	}
	if (query.channelId) {
		params.push(query.channelId);
		where.push(`c.channel_id = $${params.length}`);
	}
	if (query.unreadOnly) where.push('c.unread_count > 0');
	if (query.search) {
		params.push(containsPattern(query.search));
		where.push(conversationSearchSql('$1', `$${params.length}`));
	}
	return where;
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
	const params: unknown[] = [];
	const where = commonFilters(caller.workspaceId, query, params);
	const countParams = [...params];
	const countWhere = [...where];

	if (query.assignee === 'mine') {
		if (caller.userId) {
			params.push(caller.userId);
			where.push(`c.assigned_user_id = $${params.length}`);
		} else {
			where.push('false');
		}
	} else if (query.assignee === 'unassigned') {
		where.push('c.assigned_user_id IS NULL');
	}
	if (query.cursor) {
		const after = decodeCursor(query.cursor);
		params.push(after.at, after.id);
		where.push(`(c.last_activity_at, c.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
	}
	params.push(query.limit + 1);

	countParams.push(caller.userId);
	const me = `$${countParams.length}::uuid`;
	const capped = (extra: string) =>
		`(SELECT count(*) FROM (SELECT 1 FROM whatsapp_conversations c WHERE ${[...countWhere, extra].join(' AND ')} LIMIT ${TAB_COUNT_CAP}) counted)::int`;
	const [page, counts] = await Promise.all([
		db.query<ConversationSummary & { sortKey: string }>(
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
	const rows = page.rows.slice(0, query.limit);
	const last = rows[rows.length - 1];
	return {
		items: rows.map(withoutSortKey),
		nextCursor: page.rows.length > query.limit && last ? encodeCursor(last.sortKey, last.id) : null,
		counts: counts.rows[0],
	};
}
