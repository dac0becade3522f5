import type { z } from 'zod/v4';
import type { Queryable } from '../../db/db';
import { isoTimestamp } from '../api/iso-timestamp';
import { ViewFields } from '../api/view-fields';
import type { conversationViewSchema } from './conversation-view-schema';

/** A conversation as lists and pages show it, with the contact it is with; its fields are documented in conversation-view-schema.ts. */
export type ConversationSummary = z.infer<typeof conversationViewSchema>;

/** The view's fields: [name in the answer, SQL over conversations `c` and their contact `ct`]. */
const CONVERSATION_VIEW = new ViewFields<ConversationSummary>([
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
	['aiStateReason', 'c.ai_state_reason'],
	['aiStateChangedAt', isoTimestamp('c.ai_state_changed_at')],
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
]);

/** The view's select list; with a prefix, every name starts with it (for a statement that returns other columns too). */
export const conversationColumns = (prefix = ''): string => CONVERSATION_VIEW.columns(prefix);

/** The view in a row selected with conversationColumns(prefix), or undefined when its columns are null. */
export const conversationFromRow = (row: Record<string, unknown>, prefix: string): ConversationSummary | undefined => CONVERSATION_VIEW.fromRow(row, prefix);

export const CONVERSATION_COLUMNS = CONVERSATION_VIEW.columns();

export const CONVERSATION_FROM = `whatsapp_conversations c JOIN contacts ct ON ct.id = c.contact_id AND ct.workspace_id = c.workspace_id`;

/** One conversation of the workspace, or undefined (another workspace's id reads as "not found"). */
export async function findConversation(db: Queryable, workspaceId: string, conversationId: string): Promise<ConversationSummary | undefined> {
	const { rows } = await db.query<ConversationSummary>(
		`SELECT ${CONVERSATION_COLUMNS} FROM ${CONVERSATION_FROM} WHERE c.workspace_id = $1 AND c.id = $2`,
		[workspaceId, conversationId],
	);
	return rows[0];
}
