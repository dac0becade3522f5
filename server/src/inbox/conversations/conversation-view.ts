import type { Queryable } from '../../db/db';

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

export const CONVERSATION_COLUMNS = `c.id, c.channel_id AS "channelId", c.contact_id AS "contactId", c.lead_id AS "leadId", c.chat_jid AS "chatJid",
	c.is_group AS "isGroup", c.assigned_user_id AS "assigneeId", c.status, c.snoozed_until AS "snoozedUntil", c.resolved_at AS "resolvedAt",
	c.ai_state AS "aiState", c.unread_count AS "unreadCount", c.last_message_at AS "lastMessageAt",
	c.last_message_preview AS "lastMessagePreview", c.last_message_direction AS "lastMessageDirection", c.last_inbound_at AS "lastInboundAt",
	c.agent_last_seen_at AS "agentLastSeenAt", c.contact_presence AS "contactPresence", c.tags, c.last_activity_at AS "lastActivityAt",
	c.created_at AS "createdAt", c.updated_at AS "updatedAt",
	json_build_object('id', ct.id, 'name', ct.name, 'pushName', ct.push_name, 'phoneE164', ct.phone_e164, 'waJid', ct.wa_jid,
		'avatarUrl', ct.avatar_url, 'isGroup', ct.is_group) AS contact`;

export const CONVERSATION_FROM = `whatsapp_conversations c JOIN contacts ct ON ct.id = c.contact_id AND ct.workspace_id = c.workspace_id`;

/** One conversation of the workspace, or undefined (another workspace's id reads as "not found"). */
export async function findConversation(db: Queryable, workspaceId: string, conversationId: string): Promise<ConversationSummary | undefined> {
	const { rows } = await db.query<ConversationSummary>(
		`SELECT ${CONVERSATION_COLUMNS} FROM ${CONVERSATION_FROM} WHERE c.workspace_id = $1 AND c.id = $2`,
		[workspaceId, conversationId],
	);
	return rows[0];
}
