import type { Queryable } from '../../db/db';
import { isoTimestamp } from '../api/iso-timestamp';

/** A conversation as lists and pages show it, with the contact it is with. */
export interface ConversationSummary {
	id: string;
	channelId: string;
	contactId: string;
	leadId: string | null;
	chatJid: string;
	isGroup: boolean;
	assigneeId: string | null;
	status: 'open' | 'pending' | 'resolved' | 'snoozed';
	snoozedUntil: string | null;
	resolvedAt: string | null;
	aiState: string;
	unreadCount: number;
	lastMessageAt: string | null;
	lastMessagePreview: string | null;
	lastMessageDirection: string | null;
	lastInboundAt: string | null;
	agentLastSeenAt: string | null;
	contactPresence: string | null;
	tags: string[];
	lastActivityAt: string;
	createdAt: string;
	updatedAt: string;
	contact: { id: string; name: string | null; pushName: string | null; phoneE164: string | null; waJid: string | null; avatarUrl: string | null; isGroup: boolean };
}

/** The view's fields: [name in the answer, SQL over conversations `c` and their contact `ct`]. */
const CONVERSATION_FIELDS: Array<[keyof ConversationSummary, string]> = [
	['id', 'c.id'],
	['channelId', 'c.channel_id'],
	['contactId', 'c.contact_id'],
	['leadId', 'c.lead_id'],
	['chatJid', 'c.chat_jid'],
	['isGroup', 'c.is_group'],
	['assigneeId', 'c.assigned_user_id'],
	['status', 'c.status'],
	['snoozedUntil', isoTimestamp('c.snoozed_until')],
	['resolvedAt', isoTimestamp('c.resolved_at')],
	['aiState', 'c.ai_state'],
	['unreadCount', 'c.unread_count'],
	['lastMessageAt', isoTimestamp('c.last_message_at')],
	['lastMessagePreview', 'c.last_message_preview'],
	['lastMessageDirection', 'c.last_message_direction'],
	['lastInboundAt', isoTimestamp('c.last_inbound_at')],
	['agentLastSeenAt', isoTimestamp('c.agent_last_seen_at')],
	['contactPresence', 'c.contact_presence'],
	['tags', 'c.tags'],
	['lastActivityAt', isoTimestamp('c.last_activity_at')],
	['createdAt', isoTimestamp('c.created_at')],
	['updatedAt', isoTimestamp('c.updated_at')],
	[
		'contact',
		`json_build_object('id', ct.id, 'name', ct.name, 'pushName', ct.push_name, 'phoneE164', ct.phone_e164, 'waJid', ct.wa_jid,
		'avatarUrl', ct.avatar_url, 'isGroup', ct.is_group)`,
	],
];

/** The view's select list; with a prefix, every name starts with it (for a statement that returns other columns too). */
export function conversationColumns(prefix = ''): string {
	return CONVERSATION_FIELDS.map(([name, sql]) => `${sql} AS "${prefix}${name}"`).join(', ');
}

/** The conversation in a row selected with conversationColumns(prefix), or undefined when its columns are null. */
export function conversationFromRow(row: Record<string, unknown>, prefix: string): ConversationSummary | undefined {
	const keys = prefixedKeys(prefix);
	if (row[keys[0][1]] === null || row[keys[0][1]] === undefined) return undefined;
	const conversation: Record<string, unknown> = {};
	for (const [name, key] of keys) conversation[name] = row[key];
	return conversation as unknown as ConversationSummary;
}

const keysByPrefix = new Map<string, Array<[string, string]>>();
function prefixedKeys(prefix: string): Array<[string, string]> {
	let keys = keysByPrefix.get(prefix);
	if (!keys) keysByPrefix.set(prefix, (keys = CONVERSATION_FIELDS.map(([name]) => [name, `${prefix}${name}`])));
	return keys;
}

export const CONVERSATION_COLUMNS = conversationColumns();

export const CONVERSATION_FROM = `whatsapp_conversations c JOIN contacts ct ON ct.id = c.contact_id AND ct.workspace_id = c.workspace_id`;

/** One conversation of the workspace, or undefined (another workspace's id reads as "not found"). */
export async function findConversation(db: Queryable, workspaceId: string, conversationId: string): Promise<ConversationSummary | undefined> {
	const { rows } = await db.query<ConversationSummary>(
		`SELECT ${CONVERSATION_COLUMNS} FROM ${CONVERSATION_FROM} WHERE c.workspace_id = $1 AND c.id = $2`,
		[workspaceId, conversationId],
	);
	return rows[0];
}
