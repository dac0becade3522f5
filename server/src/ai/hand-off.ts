import type { Db, Queryable } from '../db/db';
import { createNotification } from '../inbox/notifications/notifications';
import { inboxEvent, type InboxEvent } from '../realtime/inbox-events';
import { changeAiState } from './ai-state';

export interface HandOffResult {
	handedOff: boolean;
	assigneeId: string | null;
	events: InboxEvent[];
}

/**
 * The next online attendant in turn (round robin: whoever got an AI hand-off longest ago), or none. Online: a session
 * of theirs was used within the window (sessions are touched at most once a minute) or they signed in within it.
 */
async function nextOnlineAttendant(tx: Queryable, workspaceId: string, onlineWindowMs: number): Promise<{ id: string; name: string } | undefined> {
	const { rows } = await tx.query<{ id: string; name: string }>(
		`SELECT u.id, u.name FROM users u
		 WHERE u.workspace_id = $1 AND u.is_active
			AND (u.last_seen_at > now() - ($2::bigint * interval '1 millisecond')
				OR EXISTS (SELECT 1 FROM user_sessions s WHERE s.workspace_id = u.workspace_id AND s.user_id = u.id AND s.revoked_at IS NULL
					AND s.expires_at > now() AND s.last_used_at > now() - ($2::bigint * interval '1 millisecond')))
		 ORDER BY u.ai_handoff_at NULLS FIRST, u.id
		 LIMIT 1 FOR UPDATE OF u`,
		[workspaceId, onlineWindowMs],
	);
	return rows[0];
}

/**
 * The AI gives the conversation to a person: assigned to its attendant if it has an active one, else to the next
 * online attendant in turn, else left unassigned for whoever looks; the state becomes handed_off with the reason on a
 * system line, and the bell rings (the assignee, or every active attendant when nobody was online). Only from active:
 * an attendant who already took over keeps it.
 */
/** What made the AI hand off, for the thread's line: a hand-off keyword, the provider failing, or the AI's own reason. */
export type HandOffCause = { keyword: string } | { attempts: number } | { why: string };

export async function handOff(db: Db, input: { workspaceId: string; conversationId: string; reason: string; cause?: HandOffCause; onlineWindowMs: number }): Promise<HandOffResult> {
	return db.transaction(async (tx) => {
		const { rows } = await tx.query<{ state: string; channelId: string; assigneeId: string | null; assigneeActive: boolean | null; status: string; contactName: string | null }>(
			`SELECT c.ai_state AS state, c.channel_id AS "channelId", c.assigned_user_id AS "assigneeId", u.is_active AS "assigneeActive", c.status,
				coalesce(ct.name, ct.push_name, ct.phone_e164) AS "contactName"
			 FROM whatsapp_conversations c JOIN contacts ct ON ct.id = c.contact_id AND ct.workspace_id = c.workspace_id
			 LEFT JOIN users u ON u.id = c.assigned_user_id AND u.workspace_id = c.workspace_id
			 WHERE c.workspace_id = $1 AND c.id = $2 FOR UPDATE OF c`,
			[input.workspaceId, input.conversationId],
		);
		const current = rows[0];
		if (!current || current.state !== 'active') return { handedOff: false, assigneeId: null, events: [] };
		const events: InboxEvent[] = [];
		const base = { conversationId: input.conversationId, channelId: current.channelId };
		let assignee: { id: string; name: string } | undefined;
		if (current.assigneeId && current.assigneeActive) {
			const named = await tx.query<{ name: string }>('SELECT name FROM users WHERE workspace_id = $1 AND id = $2', [input.workspaceId, current.assigneeId]);
			assignee = { id: current.assigneeId, name: named.rows[0]?.name ?? 'an attendant' };
		} else {
			assignee = await nextOnlineAttendant(tx, input.workspaceId, input.onlineWindowMs);
			if (assignee) {
				await tx.query('UPDATE users SET ai_handoff_at = now() WHERE workspace_id = $1 AND id = $2', [input.workspaceId, assignee.id]);
				await tx.query(
					`UPDATE whatsapp_conversations SET assigned_user_id = $3, status = CASE WHEN status = 'pending' THEN 'open' ELSE status END, updated_at = now()
					 WHERE workspace_id = $1 AND id = $2`,
					[input.workspaceId, input.conversationId, assignee.id],
				);
				// byAi: the AI's own assignment is not an attendant action (it must not pause what it hands off).
				events.push(
					inboxEvent('assignee.changed', { ...base, data: { conversationId: input.conversationId, assigneeId: assignee.id, previousAssigneeId: current.assigneeId, byUserId: null, byAi: true } }),
				);
			}
		}
		const changed = await changeAiState(tx, input.workspaceId, input.conversationId, {
			to: 'handed_off',
			from: ['active'],
			reason: `handed_off: ${input.reason}`,
			line: `AI handed the conversation off${assignee ? ` to ${assignee.name}` : ' (unassigned: nobody was online)'}: ${input.reason}`,
			lineVars: { assignee: assignee?.name ?? null, ...input.cause },
			byUserId: null,
		});
		events.push(...changed.events);
		const recipients = assignee
			? [assignee.id]
			: (await tx.query<{ id: string }>('SELECT id FROM users WHERE workspace_id = $1 AND is_active ORDER BY id', [input.workspaceId])).rows.map((r) => r.id);
		for (const userId of recipients) {
			const notification = await createNotification(tx, input.workspaceId, {
				userId,
				conversationId: input.conversationId,
				kind: 'ai_handed_off',
				title: `The AI handed off the conversation with ${current.contactName ?? 'a contact'}`,
				body: input.reason,
			});
			events.push(inboxEvent('notification.created', { conversationId: input.conversationId, recipientUserId: userId, data: { notification } }));
		}
		return { handedOff: true, assigneeId: assignee?.id ?? null, events };
	});
}
