import type { Caller } from '../../auth/caller';
import type { Db, Queryable } from '../../db/db';
import { inboxEvent, type InboxEvent } from '../../realtime/inbox-events';
import { notFound } from '../api/api-error';
import { insertInternalMessage } from '../messages/internal-message';
import { createNotification } from '../notifications/notifications';
import { actorName } from './actor-name';
import { type ConversationSummary, findConversation } from './conversation-view';

export interface AssignmentResult {
	conversation: ConversationSummary;
	changed: boolean;
	events: InboxEvent[];
}

async function activeAttendantName(db: Queryable, workspaceId: string, userId: string): Promise<string> {
	const { rows } = await db.query<{ name: string }>('SELECT name FROM users WHERE workspace_id = $1 AND id = $2 AND is_active', [workspaceId, userId]);
	if (!rows[0]) throw notFound('Active attendant');
	return rows[0].name;
}

/**
 * Assigns, transfers or unassigns a conversation. Each change writes a system line in the thread ("Ana transferred
 * the conversation from Bruno to Carla"), tells the new assignee through the bell, and opens a pending conversation
 * once someone owns it.
 */
export async function assignConversation(
	db: Db,
	caller: Caller,
	conversationId: string,
	input: { assigneeId: string | null; note?: string },
): Promise<AssignmentResult> {
	return db.transaction(async (tx) => {
		const { rows } = await tx.query<{ channelId: string; previous: string | null; status: string }>(
			`SELECT channel_id AS "channelId", assigned_user_id AS previous, status FROM whatsapp_conversations
			 WHERE workspace_id = $1 AND id = $2 FOR UPDATE`,
			[caller.workspaceId, conversationId],
		);
		const current = rows[0];
		if (!current) throw notFound('Conversation');
		const toName = input.assigneeId ? await activeAttendantName(tx, caller.workspaceId, input.assigneeId) : null;
		if (current.previous === input.assigneeId) {
			const conversation = (await findConversation(tx, caller.workspaceId, conversationId))!;
			return { conversation, changed: false, events: [] };
		}
		// The previous assignee by name; one no longer active is "a former attendant" (null in details: a page says it in its own language).
		const previousName = current.previous ? await activeAttendantName(tx, caller.workspaceId, current.previous).catch(() => null) : null;
		const fromName = current.previous ? (previousName ?? 'a former attendant') : null;
		await tx.query(
			`UPDATE whatsapp_conversations SET assigned_user_id = $3,
				status = CASE WHEN $3::uuid IS NOT NULL AND status = 'pending' THEN 'open' ELSE status END, updated_at = now()
			 WHERE workspace_id = $1 AND id = $2`,
			[caller.workspaceId, conversationId, input.assigneeId],
		);
		const by = await actorName(tx, caller);
		const line = !toName
			? `${by} unassigned the conversation${fromName ? ` from ${fromName}` : ''}`
			: fromName
				? `${by} transferred the conversation from ${fromName} to ${toName}`
				: `${by} assigned the conversation to ${toName}`;
		const conversationRef = { workspaceId: caller.workspaceId, id: conversationId, channelId: current.channelId };
		const systemLine = await insertInternalMessage(tx, conversationRef, {
			type: 'system',
			body: input.note ? `${line}: ${input.note}` : line,
			userId: caller.userId,
			// The names as they were, so a page can say the line in its own language (the body is English, for the API).
			details: { kind: 'assignment', fromUserId: current.previous, toUserId: input.assigneeId, byUserId: caller.userId, note: input.note ?? null, byName: by, fromName: previousName, toName },
		});
		const conversation = (await findConversation(tx, caller.workspaceId, conversationId))!;
		const events: InboxEvent[] = [
			inboxEvent('assignee.changed', {
				conversationId,
				channelId: current.channelId,
				data: { conversationId, assigneeId: input.assigneeId, previousAssigneeId: current.previous, byUserId: caller.userId },
			}),
			inboxEvent('conversation.updated', { conversationId, channelId: current.channelId, data: { conversation } }),
			inboxEvent('message.created', { conversationId, channelId: current.channelId, data: { message: systemLine } }),
		];
		if (conversation.status !== current.status) {
			events.push(inboxEvent('conversation.status_changed', { conversationId, channelId: current.channelId, data: { conversationId, status: conversation.status, previousStatus: current.status } }));
		}
		if (input.assigneeId && input.assigneeId !== caller.userId) {
			const contactName = conversation.contact.name ?? conversation.contact.pushName ?? conversation.contact.phoneE164 ?? 'a contact';
			const notification = await createNotification(tx, caller.workspaceId, {
				userId: input.assigneeId,
				conversationId,
				kind: 'conversation_assigned',
				title: `${by} assigned you the conversation with ${contactName}`,
				body: input.note ?? null,
			});
			events.push(inboxEvent('notification.created', { conversationId, recipientUserId: input.assigneeId, data: { notification } }));
		}
		return { conversation, changed: true, events };
	});
}
