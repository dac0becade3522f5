import { decryptSecret, encryptSecret } from '../channels/secret-cipher';
import type { Queryable } from '../db/db';
import { isoTimestamp } from '../inbox/api/iso-timestamp';
import type { ReplyChoice } from './reply-choice';

export type ReplyWaitStatus = 'open' | 'answered' | 'timed_out' | 'cancelled';

/** A wait as the API answers it (never the resume URL: it resumes the execution for whoever holds it). */
export interface ReplyWaitView {
	id: string;
	conversationId: string;
	status: ReplyWaitStatus;
	choices: ReplyChoice[];
	messageId: string | null;
	clientId: string | null;
	expiresAt: string;
	replyMessageId: string | null;
	resumeStatus: 'pending' | 'delivered' | 'failed' | null;
	resumeAttempts: number;
	createdAt: string;
	closedAt: string | null;
	resumedAt: string | null;
}

const COLUMNS = `id, conversation_id AS "conversationId", status, choices, message_id AS "messageId", client_id AS "clientId",
	${isoTimestamp('expires_at')} AS "expiresAt", reply_message_id AS "replyMessageId", resume_status AS "resumeStatus",
	resume_attempts AS "resumeAttempts", ${isoTimestamp('created_at')} AS "createdAt", ${isoTimestamp('closed_at')} AS "closedAt",
	${isoTimestamp('resumed_at')} AS "resumedAt"`;

export async function getReplyWait(db: Queryable, workspaceId: string, id: string): Promise<ReplyWaitView | undefined> {
	const { rows } = await db.query<ReplyWaitView>(`SELECT ${COLUMNS} FROM reply_waits WHERE workspace_id = $1 AND id = $2`, [workspaceId, id]);
	return rows[0];
}

export async function listConversationWaits(db: Queryable, workspaceId: string, conversationId: string): Promise<ReplyWaitView[]> {
	const { rows } = await db.query<ReplyWaitView>(
		`SELECT ${COLUMNS} FROM reply_waits WHERE workspace_id = $1 AND conversation_id = $2 ORDER BY created_at DESC, id LIMIT 50`,
		[workspaceId, conversationId],
	);
	return rows;
}

export interface NewReplyWait {
	conversationId: string;
	resumeUrl: string;
	choices: ReplyChoice[];
	timeoutSeconds: number;
	messageId?: string;
	clientId?: string;
	createdByUserId: string | null;
}

/** Opens a wait; a clientId already used answers the wait it made (created: false) instead of a second one. */
export async function createReplyWait(db: Queryable, integrationsKey: Buffer, workspaceId: string, input: NewReplyWait): Promise<{ wait: ReplyWaitView; created: boolean }> {
	const { rows } = await db.query<{ id: string }>(
		`INSERT INTO reply_waits (workspace_id, conversation_id, resume_url_encrypted, choices, message_id, client_id, expires_at, created_by_user_id)
		 VALUES ($1, $2, $3, $4::jsonb, $5, $6, now() + make_interval(secs => $7), $8)
		 ON CONFLICT (workspace_id, client_id) WHERE client_id IS NOT NULL DO NOTHING RETURNING id`,
		[
			workspaceId,
			input.conversationId,
			encryptSecret(input.resumeUrl, integrationsKey),
			JSON.stringify(input.choices),
			input.messageId ?? null,
			input.clientId ?? null,
			input.timeoutSeconds,
			input.createdByUserId,
		],
	);
	if (rows[0]) return { wait: (await getReplyWait(db, workspaceId, rows[0].id))!, created: true };
	const { rows: existing } = await db.query<ReplyWaitView>(`SELECT ${COLUMNS} FROM reply_waits WHERE workspace_id = $1 AND client_id = $2`, [workspaceId, input.clientId]);
	return { wait: existing[0], created: false };
}

/** Closes an open wait with what the resume URL is to hear; answers whether this call closed it (only one does). */
export async function closeReplyWait(
	db: Queryable,
	workspaceId: string,
	id: string,
	to: 'answered' | 'timed_out',
	payload: Record<string, unknown>,
	replyMessageId: string | null,
): Promise<boolean> {
	const { rows } = await db.query(
		`UPDATE reply_waits SET status = $3, resume_payload = $4::jsonb, reply_message_id = $5, resume_status = 'pending', closed_at = now()
		 WHERE workspace_id = $1 AND id = $2 AND status = 'open' RETURNING id`,
		[workspaceId, id, to, JSON.stringify(payload), replyMessageId],
	);
	return rows.length > 0;
}

export async function cancelReplyWait(db: Queryable, workspaceId: string, id: string): Promise<boolean> {
	const { rows } = await db.query(`UPDATE reply_waits SET status = 'cancelled', closed_at = now() WHERE workspace_id = $1 AND id = $2 AND status = 'open' RETURNING id`, [
		workspaceId,
		id,
	]);
	return rows.length > 0;
}

/**
 * The open waits of a conversation a message may answer (oldest first): those opened before the message was stored,
 * so a message announced late never answers a wait that came after it.
 */
export async function openWaits(db: Queryable, workspaceId: string, conversationId: string, messageId: string): Promise<Array<{ id: string; choices: ReplyChoice[] }>> {
	const { rows } = await db.query<{ id: string; choices: ReplyChoice[] }>(
		`SELECT w.id, w.choices FROM reply_waits w JOIN whatsapp_messages m ON m.workspace_id = w.workspace_id AND m.id = $3
		 WHERE w.workspace_id = $1 AND w.conversation_id = $2 AND w.status = 'open' AND w.created_at <= m.created_at ORDER BY w.created_at, w.id`,
		[workspaceId, conversationId, messageId],
	);
	return rows;
}

/** A closed wait still owing its POST: the resume URL (opened) and the payload. */
export async function pendingResume(db: Queryable, integrationsKey: Buffer, workspaceId: string, id: string): Promise<{ url: string; payload: unknown; attempts: number } | undefined> {
	const { rows } = await db.query<{ sealed: string; payload: unknown; attempts: number }>(
		`SELECT resume_url_encrypted AS sealed, resume_payload AS payload, resume_attempts AS attempts FROM reply_waits
		 WHERE workspace_id = $1 AND id = $2 AND resume_status = 'pending'`,
		[workspaceId, id],
	);
	if (!rows[0]) return undefined;
	return { url: decryptSecret(rows[0].sealed, integrationsKey), payload: rows[0].payload, attempts: rows[0].attempts };
}

export async function recordResume(db: Queryable, workspaceId: string, id: string, outcome: { status: 'pending' | 'delivered' | 'failed'; error: string | null }): Promise<void> {
	await db.query(
		`UPDATE reply_waits SET resume_attempts = resume_attempts + 1, resume_status = $3, resume_error = $4,
			resumed_at = CASE WHEN $3 = 'delivered' THEN now() ELSE resumed_at END
		 WHERE workspace_id = $1 AND id = $2`,
		[workspaceId, id, outcome.status, outcome.error],
	);
}

/** Waits closed but not yet POSTed (their job may be lost with Redis): queued again at start. */
export async function unresumedWaits(db: Queryable): Promise<Array<{ workspaceId: string; id: string }>> {
	const { rows } = await db.query<{ workspaceId: string; id: string }>(
		`SELECT workspace_id AS "workspaceId", id FROM reply_waits WHERE resume_status = 'pending' ORDER BY closed_at LIMIT 10000`,
	);
	return rows;
}

/** Open waits (their timeout job may be lost with Redis): their timeouts are scheduled again at start. */
export async function openWaitTimeouts(db: Queryable): Promise<Array<{ workspaceId: string; id: string; expiresAt: Date }>> {
	const { rows } = await db.query<{ workspaceId: string; id: string; expiresAt: Date }>(
		`SELECT workspace_id AS "workspaceId", id, expires_at AS "expiresAt" FROM reply_waits WHERE status = 'open' ORDER BY expires_at LIMIT 10000`,
	);
	return rows;
}

/** The conversation's contact, as the resume payload carries it. */
export async function conversationContact(db: Queryable, workspaceId: string, conversationId: string): Promise<Record<string, unknown> | null> {
	const { rows } = await db.query<Record<string, unknown>>(
		`SELECT ct.id, ct.phone_e164 AS phone, COALESCE(ct.name, ct.push_name) AS name, c.chat_jid AS jid
		 FROM whatsapp_conversations c JOIN contacts ct ON ct.id = c.contact_id AND ct.workspace_id = c.workspace_id
		 WHERE c.workspace_id = $1 AND c.id = $2`,
		[workspaceId, conversationId],
	);
	return rows[0] ?? null;
}
