import type { Queryable } from '../db/db';
import { CONVERSATION_COLUMNS, CONVERSATION_FROM, type ConversationSummary } from '../inbox/conversations/conversation-view';
import { MESSAGE_COLUMNS, type ThreadMessage } from '../inbox/messages/message-view';
import { inboxEvent, type InboxEvent } from './inbox-events';
import type { TypingTracker } from './typing-tracker';

// An inbound message older than this is history being imported, not something to ring the bell for.
const LIVE_MESSAGE_WINDOW = "interval '15 minutes'";

/** Ingest publishes raw rows (snake_case, with workspace_id); the REST API already publishes {message}/{conversation}. */
const isRawRow = (data: Record<string, unknown>) => typeof data.workspace_id === 'string' && typeof data.id === 'string';

/**
 * Turns what ingest publishes into what the inbox pages want, in the process that publishes (so it happens once,
 * not once per replica): rows in the same shape the REST API returns, typing on/off from WhatsApp presence (with
 * the 30 s auto-off), unread-count changes, and the assignee's bell for new inbound messages.
 */
export async function enrichEvents(db: Queryable, typing: TypingTracker, workspaceId: string, events: InboxEvent[]): Promise<InboxEvent[]> {
	const messageIds = events.filter((e) => e.type.startsWith('message.') && e.type !== 'message.reaction' && isRawRow(e.data)).map((e) => e.data.id as string);
	const conversationIds = events.filter((e) => e.type.startsWith('conversation.') && isRawRow(e.data)).map((e) => e.data.id as string);
	const [messages, conversations] = await Promise.all([
		messageIds.length
			? db.query<ThreadMessage & { live: boolean }>(
					`SELECT ${MESSAGE_COLUMNS}, m.thread_at > now() - ${LIVE_MESSAGE_WINDOW} AS live FROM whatsapp_messages m
					 WHERE m.workspace_id = $1 AND m.id = ANY($2::uuid[])`,
					[workspaceId, messageIds],
				)
			: { rows: [] },
		conversationIds.length
			? db.query<ConversationSummary>(`SELECT ${CONVERSATION_COLUMNS} FROM ${CONVERSATION_FROM} WHERE c.workspace_id = $1 AND c.id = ANY($2::uuid[])`, [
					workspaceId,
					conversationIds,
				])
			: { rows: [] },
	]);
	const messageById = new Map(messages.rows.map((m) => [m.id, m]));
	const conversationById = new Map(conversations.rows.map((c) => [c.id, c]));

	const out: InboxEvent[] = [];
	for (const event of events) {
		if (event.type === 'presence.update' && event.conversationId) {
			out.push(event);
			const presence = event.data.presence;
			const typist = { kind: 'contact' } as const;
			if (presence === 'composing' || presence === 'recording') {
				out.push({ ...(await typing.start(workspaceId, event.conversationId, typist)), channelId: event.channelId });
			} else {
				out.push({ ...(await typing.stop(workspaceId, event.conversationId, typist)), channelId: event.channelId });
			}
			continue;
		}
		if (!isRawRow(event.data)) {
			out.push(event);
			continue;
		}
		const message = messageById.get(event.data.id as string);
		if (message) {
			const { live, ...shown } = message;
			out.push({ ...event, data: { message: shown } });
			if (event.type === 'message.created' && live && shown.direction === 'inbound') {
				const bell = await ringAssignee(db, workspaceId, shown);
				if (bell) out.push(bell);
			}
			continue;
		}
		const conversation = conversationById.get(event.data.id as string);
		if (conversation) {
			out.push({ ...event, data: { conversation } });
			out.push(
				inboxEvent('conversation.unread_count_changed', {
					conversationId: conversation.id,
					channelId: conversation.channelId,
					data: { conversationId: conversation.id, unreadCount: conversation.unreadCount },
				}),
			);
			continue;
		}
		out.push(event);
	}
	return out;
}

/**
 * The bell for a new inbound message in a conversation someone owns: one unread notification per conversation
 * (later messages refresh it rather than pile up).
 */
async function ringAssignee(db: Queryable, workspaceId: string, message: ThreadMessage): Promise<InboxEvent | undefined> {
	const { rows } = await db.query<{ assigneeId: string | null; contactName: string | null }>(
		`SELECT c.assigned_user_id AS "assigneeId", coalesce(ct.name, ct.push_name, ct.phone_e164) AS "contactName"
		 FROM ${CONVERSATION_FROM} WHERE c.workspace_id = $1 AND c.id = $2`,
		[workspaceId, message.conversationId],
	);
	const assigneeId = rows[0]?.assigneeId;
	if (!assigneeId) return undefined;
	const title = `New message from ${rows[0].contactName ?? 'a contact'}`;
	const body = message.body?.slice(0, 200) ?? `[${message.type}]`;
	const refreshed = await db.query<Record<string, unknown>>(
		`UPDATE inbox_notifications SET title = $4, body = $5, created_at = now()
		 WHERE workspace_id = $1 AND user_id = $2 AND conversation_id = $3 AND kind = 'message_received' AND read_at IS NULL
		 RETURNING id, user_id AS "userId", conversation_id AS "conversationId", kind, title, body, read_at AS "readAt", created_at AS "createdAt"`,
		[workspaceId, assigneeId, message.conversationId, title, body],
	);
	const notification =
		refreshed.rows[0] ??
		(
			await db.query<Record<string, unknown>>(
				`INSERT INTO inbox_notifications (workspace_id, user_id, conversation_id, kind, title, body) VALUES ($1, $2, $3, 'message_received', $4, $5)
				 RETURNING id, user_id AS "userId", conversation_id AS "conversationId", kind, title, body, read_at AS "readAt", created_at AS "createdAt"`,
				[workspaceId, assigneeId, message.conversationId, title, body],
			)
		).rows[0];
	return inboxEvent('notification.created', { conversationId: message.conversationId, recipientUserId: assigneeId, data: { notification } });
}
