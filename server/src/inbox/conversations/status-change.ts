import type { Caller } from '../../auth/caller';
import type { Db } from '../../db/db';
import { inboxEvent, type InboxEvent } from '../../realtime/inbox-events';
import { badRequest, notFound } from '../api/api-error';
import { insertInternalMessage } from '../messages/internal-message';
import { actorName } from './actor-name';
import { type ConversationSummary, findConversation } from './conversation-view';

export type ConversationStatus = ConversationSummary['status'];

const VERBS: Record<ConversationStatus, string> = {
	open: 'reopened the conversation',
	pending: 'moved the conversation back to pending',
	resolved: 'resolved the conversation',
	snoozed: 'snoozed the conversation',
};

/** Moves the human workflow status (open / pending / resolved / snoozed) and writes who did it in the thread. */
export async function changeConversationStatus(
	db: Db,
	caller: Caller,
	conversationId: string,
	input: { status: ConversationStatus; snoozedUntil?: string },
): Promise<{ conversation: ConversationSummary; events: InboxEvent[] }> {
	if (input.status === 'snoozed' && !input.snoozedUntil) throw badRequest('Snoozing needs snoozedUntil (an ISO date-time in the future).');
	if (input.snoozedUntil && Date.parse(input.snoozedUntil) <= Date.now()) throw badRequest('snoozedUntil must be in the future.');
	return db.transaction(async (tx) => {
		const { rows } = await tx.query<{ channelId: string; status: ConversationStatus }>(
			'SELECT channel_id AS "channelId", status FROM whatsapp_conversations WHERE workspace_id = $1 AND id = $2 FOR UPDATE',
			[caller.workspaceId, conversationId],
		);
		const current = rows[0];
		if (!current) throw notFound('Conversation');
		await tx.query(
			`UPDATE whatsapp_conversations SET status = $3,
				snoozed_until = CASE WHEN $3 = 'snoozed' THEN $4::timestamptz ELSE NULL END,
				resolved_at = CASE WHEN $3 = 'resolved' THEN now() ELSE NULL END,
				updated_at = now()
			 WHERE workspace_id = $1 AND id = $2`,
			[caller.workspaceId, conversationId, input.status, input.snoozedUntil ?? null],
		);
		const events: InboxEvent[] = [];
		if (current.status !== input.status) {
			const by = await actorName(tx, caller);
			const systemLine = await insertInternalMessage(
				tx,
				{ workspaceId: caller.workspaceId, id: conversationId, channelId: current.channelId },
				{
					type: 'system',
					body: `${by} ${VERBS[input.status]}${input.snoozedUntil ? ` until ${new Date(input.snoozedUntil).toISOString()}` : ''}`,
					userId: caller.userId,
					// Who and until when, so a page can say the line in its own language (the body is English, for the API).
					details: { kind: 'status', from: current.status, to: input.status, byUserId: caller.userId, byName: by, snoozedUntil: input.snoozedUntil ?? null },
				},
			);
			events.push(
				inboxEvent('conversation.status_changed', {
					conversationId,
					channelId: current.channelId,
					data: { conversationId, status: input.status, previousStatus: current.status },
				}),
				inboxEvent('message.created', { conversationId, channelId: current.channelId, data: { message: systemLine } }),
			);
		}
		const conversation = (await findConversation(tx, caller.workspaceId, conversationId))!;
		events.unshift(inboxEvent('conversation.updated', { conversationId, channelId: current.channelId, data: { conversation } }));
		return { conversation, events };
	});
}
