import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/db';
import { isDbUnavailableError } from '../db/retryable-error';
import { MESSAGE_COLUMNS, type ThreadMessage } from '../inbox/messages/message-view';
import { statusAdvanceSet } from '../messages/message-status-columns';
import { messagePreview } from '../messages/message-preview';
import { logUpstreamCall, UPSTREAM_LOG_COLUMNS, upstreamLogRecord, type UpstreamCall } from './evolution-send';

/** The message types the outbox sends (notes and system lines are not among them, by construction). */
export const OUTBOUND_TYPES = ['text', 'image', 'video', 'audio', 'document', 'sticker', 'location', 'contact', 'reaction'] as const;
export type OutboundType = (typeof OUTBOUND_TYPES)[number];

/** What to send, kept on the row (outbox_request) so a retry or the reconciler needs nothing else. */
export interface OutboxRequest {
	/** Typing simulation before the send (Evolution `delay`); false when the request turned it off. */
	typing: boolean;
	/** The typing time itself, when the sender chose it (the AI's time per character); else it follows the text length. */
	typingMs?: number;
	media?: { url?: string; mediaId?: string; mimeType?: string; fileName?: string };
	location?: { latitude: number; longitude: number; name: string; address: string };
	contact?: { fullName: string; phoneNumber: string; organization?: string; email?: string };
	reaction?: { waMessageId: string; fromMe: boolean; emoji: string };
	/** The quoted message (replyToMessageId resolved to WhatsApp's id). */
	quoted?: { waMessageId: string; fromMe: boolean };
}

export interface NewOutboxMessage {
	workspaceId: string;
	channelId: string;
	conversationId: string;
	type: OutboundType;
	body: string | null;
	origin: 'reply' | 'proactive';
	request: OutboxRequest;
	clientId?: string;
	userId: string | null;
	/** Queued by the AI auto-reply: marked on the row, so the AI never takes its own sends for an attendant's. */
	sentByAi?: boolean;
	paced?: { expectedSendAt: Date } | null;
	/** id: a file of the media store (sent by mediaId), tied to the message when it is created. */
	media?: { id?: string | null; url: string | null; mimeType: string | null; fileName: string | null };
	quotedWaMessageId?: string | null;
	reactionTargetWaMessageId?: string | null;
}

const OUTBOX_ROW = 'm.direction = \'outbound\' AND m.origin IS NOT NULL';

/**
 * Message `$2` of workspace `$1`, while still queued, found by its primary key. The status test is written `IS TRUE`
 * on purpose: a plain `m.status = 'queued'` matches the partial status index, which statistics taken before a
 * campaign was queued make look cheaper than the key (one row expected) — the outbox bench caught such an update
 * reading 2,500 index entries to find its one row, on every held look of a paced campaign.
 */
export const QUEUED_BY_ID = "m.workspace_id = $1 AND m.id = $2 AND (m.status = 'queued') IS TRUE";

// The queued rows of one accept, written by one statement (atomic by itself): the rows in item order (their
// thread_seq, which orders a thread within the same created_at, follows that order), the uploaded files tied to their
// message, and each conversation's list line moved to its last new message. A clientId already stored — or repeated
// earlier in the same statement — inserts nothing (DO NOTHING keeps the first); those are read back apart. The new rows
// are answered from the statement's own RETURNING: a later SELECT in it would not see them yet.
const INSERT_OUTBOX_MESSAGES = `WITH input AS (
		SELECT * FROM jsonb_to_recordset($1::jsonb) AS v(ord int, id uuid, workspace_id uuid, channel_id uuid, conversation_id uuid, client_message_id text,
			type text, body text, origin text, outbox_request jsonb, sent_by_user_id uuid, paced boolean, expected_send_at timestamptz, media_url text,
			media_mime_type text, media_file_name text, quoted_wa_message_id text, reaction_target_wa_message_id text, sent_by_ai boolean, media_id uuid, preview text)
	), inserted AS (
		INSERT INTO whatsapp_messages (id, workspace_id, channel_id, conversation_id, client_message_id, direction, from_me, type, body, status,
			origin, outbox_request, sent_by_user_id, paced, expected_send_at, media_url, media_mime_type, media_file_name,
			quoted_wa_message_id, reaction_target_wa_message_id, sent_by_ai, media_id)
		SELECT id, workspace_id, channel_id, conversation_id, client_message_id, 'outbound', true, type, body, 'queued',
			origin, outbox_request, sent_by_user_id, paced, expected_send_at, media_url, media_mime_type, media_file_name,
			quoted_wa_message_id, reaction_target_wa_message_id, sent_by_ai, media_id
		FROM input ORDER BY ord
		ON CONFLICT (workspace_id, client_message_id) WHERE client_message_id IS NOT NULL DO NOTHING
		RETURNING *
	), new_input AS (
		SELECT v.* FROM input v JOIN inserted i ON i.id = v.id
	), files AS (
		-- The uploaded file belongs to its message from now on (deleted for everyone → its bytes are forgotten too); a
		-- file named by two new messages goes to the first, as one insert after the other gave it.
		UPDATE media_files f SET message_id = n.id, updated_at = now()
		FROM (SELECT DISTINCT ON (workspace_id, media_id) workspace_id, media_id, id FROM new_input WHERE media_id IS NOT NULL ORDER BY workspace_id, media_id, ord) n
		WHERE f.workspace_id = n.workspace_id AND f.id = n.media_id AND f.message_id IS NULL
	), list_lines AS (
		UPDATE whatsapp_conversations c SET last_message_at = now(), last_message_preview = n.preview, last_message_direction = 'outbound', updated_at = now()
		FROM (SELECT DISTINCT ON (workspace_id, conversation_id) workspace_id, conversation_id, preview FROM new_input WHERE type <> 'reaction'
			ORDER BY workspace_id, conversation_id, ord DESC) n
		WHERE c.workspace_id = n.workspace_id AND c.id = n.conversation_id
	)
	SELECT ${MESSAGE_COLUMNS} FROM inserted m`;

/**
 * Inserts queued outbound rows, in the order given, or answers the row already queued under the same clientId
 * (created: false): the same clientId twice is one message, whatever the second request said (within one call too:
 * the first one given is stored). Each conversation's list line moves to its last new message. A constant number of
 * statements whatever the count: one, plus one reading back the repeated clientIds when there are any.
 */
export async function insertOutboxMessages(db: Queryable, inputs: NewOutboxMessage[]): Promise<Array<{ message: ThreadMessage; created: boolean }>> {
	if (!inputs.length) return [];
	// The ids are chosen here so each new row is matched to its item (a row's clientId may be absent).
	const rows = inputs.map((input, ord) => ({
		ord,
		id: randomUUID(),
		workspace_id: input.workspaceId,
		channel_id: input.channelId,
		conversation_id: input.conversationId,
		client_message_id: input.clientId ?? null,
		type: input.type,
		body: input.body,
		origin: input.origin,
		outbox_request: input.request,
		sent_by_user_id: input.userId,
		paced: !!input.paced,
		expected_send_at: input.paced?.expectedSendAt.toISOString() ?? null,
		media_url: input.media?.url ?? null,
		media_mime_type: input.media?.mimeType ?? null,
		media_file_name: input.media?.fileName ?? null,
		quoted_wa_message_id: input.quotedWaMessageId ?? null,
		reaction_target_wa_message_id: input.reactionTargetWaMessageId ?? null,
		sent_by_ai: !!input.sentByAi,
		media_id: input.media?.id ?? null,
		preview: messagePreview({ type: input.type, body: input.body ?? undefined }),
	}));
	const created = new Map((await db.query<ThreadMessage>(INSERT_OUTBOX_MESSAGES, [JSON.stringify(rows)], { prepare: true })).rows.map((m) => [m.id, m]));
	const repeated = inputs.filter((_input, i) => !created.has(rows[i].id));
	const existing = new Map<string, ThreadMessage>();
	if (repeated.length) {
		const { rows: found } = await db.query<ThreadMessage & { workspaceId: string }>(
			`SELECT ${MESSAGE_COLUMNS}, m.workspace_id AS "workspaceId" FROM whatsapp_messages m
			 WHERE (m.workspace_id, m.client_message_id) IN (SELECT * FROM unnest($1::uuid[], $2::text[]))`,
			[repeated.map((r) => r.workspaceId), repeated.map((r) => r.clientId)],
		);
		for (const { workspaceId, ...message } of found) existing.set(`${workspaceId} ${message.clientMessageId}`, message);
	}
	return inputs.map((input, i) => {
		const message = created.get(rows[i].id);
		return message ? { message, created: true } : { message: existing.get(`${input.workspaceId} ${input.clientId}`)!, created: false };
	});
}

/** Everything the worker needs for one send, read in one statement. */
export interface SendRow {
	id: string;
	workspaceId: string;
	channelId: string;
	conversationId: string;
	status: string;
	type: OutboundType;
	body: string | null;
	origin: 'reply' | 'proactive';
	request: OutboxRequest;
	attempts: number;
	sendingSince: Date | null;
	sendInDoubt: boolean;
	paced: boolean;
	/** The forecast's planned send time (proactive sends that were paced), or null. */
	expectedSendAt: Date | null;
	errorCode: string | null;
	error: string | null;
	createdAt: Date;
	chatJid: string;
	instanceName: string;
	baseUrl: string;
	provider: string;
	channelStatus: string;
	apiKeySealed: string | null;
	tokenSealed: string | null;
	channelSettings: Record<string, unknown>;
	channelCreatedAt: Date;
	outboxPausedReason: string | null;
	optedOutAt: Date | null;
}

// The SendRow of message m (conversation c, channel ch, contact ct).
const SEND_ROW_COLUMNS = `m.id, m.workspace_id AS "workspaceId", m.channel_id AS "channelId", m.conversation_id AS "conversationId", m.status, m.type, m.body,
	m.origin, m.outbox_request AS request, m.paced, m.expected_send_at AS "expectedSendAt", m.error_code AS "errorCode", m.error, m.created_at AS "createdAt",
	c.chat_jid AS "chatJid", ch.instance_name AS "instanceName", ch.base_url AS "baseUrl", ch.provider, ch.status AS "channelStatus",
	ch.api_key_encrypted AS "apiKeySealed", ch.instance_token_encrypted AS "tokenSealed", ch.settings AS "channelSettings",
	ch.created_at AS "channelCreatedAt", ch.outbox_paused_reason AS "outboxPausedReason", ct.opted_out_at AS "optedOutAt"`;

// The claim of a reply with nothing to decide first: what outbox-sender.ts's step would find before markSending is
// all checked here (queued, this channel's, nothing in flight or in doubt, attempts left, no media-store file to
// resolve, an Evolution channel that is connected (isSendableStatus) and not held for replies). Any other row is read
// as it is (the second branch), and the step takes the long way. One statement either way, for any number of
// messages (the steps of many channels' queues that start together). \`m.id = ANY($1)\` beside the join keeps the
// planner on the primary key whatever it guesses of the input's size (a guess of 100 rows against statistics taken
// while the table was small chose a scan of the whole table).
const CLAIM_OR_LOAD = `WITH input AS (
		SELECT * FROM unnest($1::uuid[], $2::uuid[]) AS i(id, claim_for)
	), claimed AS (
		UPDATE whatsapp_messages m SET attempts = m.attempts + 1, sending_since = now(), send_in_doubt = false, next_attempt_at = NULL, paced = false, updated_at = now()
		FROM input i, whatsapp_conversations c, whatsapp_channels ch, contacts ct
		WHERE m.id = ANY($1::uuid[]) AND m.id = i.id AND m.channel_id = i.claim_for AND ${OUTBOX_ROW} AND m.status = 'queued' AND m.origin = 'reply'
			AND m.sending_since IS NULL AND NOT m.send_in_doubt AND m.attempts < $3::int AND m.outbox_request #> '{media,mediaId}' IS NULL
			AND c.id = m.conversation_id AND c.workspace_id = m.workspace_id
			AND ch.id = m.channel_id AND ch.workspace_id = m.workspace_id AND ch.provider = 'evolution' AND ch.status = 'connected'
			AND (ch.outbox_paused_reason IS NULL OR ch.outbox_paused_reason = 'proactive_paused')
			AND ct.id = c.contact_id AND ct.workspace_id = m.workspace_id
		RETURNING ${SEND_ROW_COLUMNS}, m.attempts - 1 AS attempts, NULL::timestamptz AS "sendingSince", false AS "sendInDoubt", m.attempts AS "claimedAttempt"
	)
	SELECT * FROM claimed
	UNION ALL
	SELECT ${SEND_ROW_COLUMNS}, m.attempts, m.sending_since AS "sendingSince", m.send_in_doubt AS "sendInDoubt", NULL::int AS "claimedAttempt"
	FROM input i
	JOIN whatsapp_messages m ON m.id = i.id
	JOIN whatsapp_conversations c ON c.id = m.conversation_id AND c.workspace_id = m.workspace_id
	JOIN whatsapp_channels ch ON ch.id = m.channel_id AND ch.workspace_id = m.workspace_id
	JOIN contacts ct ON ct.id = c.contact_id AND ct.workspace_id = m.workspace_id
	WHERE m.id = ANY($1::uuid[]) AND ${OUTBOX_ROW} AND NOT EXISTS (SELECT 1 FROM claimed k WHERE k.id = i.id)`;

export type ClaimOrLoad = { row: SendRow; claimedAttempt: number | null } | undefined;

/**
 * One outbox message for a step of its channel's queue `claimFor`: a reply that can go at once comes back claimed (as
 * markSending claims: counted and marked in flight), with `claimedAttempt`; any other row comes back as it is, for the
 * full step to decide. The row is as it was before the claim. undefined: not an outbox row. `claimFor` null: load only.
 */
export async function claimOrLoad(db: Queryable, messageId: string, claimFor: string | null, maxAttempts: number): Promise<ClaimOrLoad> {
	return (await claimOrLoadMany(db, [{ messageId, claimFor }], maxAttempts))[0];
}

/** claimOrLoad for several messages in one statement, answered in their order; each message at most once. */
export async function claimOrLoadMany(db: Queryable, items: Array<{ messageId: string; claimFor: string | null }>, maxAttempts: number): Promise<ClaimOrLoad[]> {
	if (new Set(items.map((item) => item.messageId)).size !== items.length) throw new Error('claimOrLoadMany: a message named twice would be claimed once for both');
	const { rows } = await db.query<SendRow & { claimedAttempt: number | null }>(
		CLAIM_OR_LOAD,
		[items.map((item) => item.messageId), items.map((item) => item.claimFor), maxAttempts],
		{ prepare: true },
	);
	const byId = new Map(rows.map(({ claimedAttempt, ...row }) => [row.id, { row, claimedAttempt }]));
	return items.map((item) => byId.get(item.messageId));
}

/** Claims an attempt: counted and marked in flight before the call, so a crash mid-call is seen as ambiguous. */
export async function markSending(db: Queryable, messageId: string): Promise<number | undefined> {
	return (await markSendingMany(db, [messageId]))[0];
}

/** markSending for several messages in one statement, answered in their order (undefined: no longer queued). */
export async function markSendingMany(db: Queryable, messageIds: string[]): Promise<Array<number | undefined>> {
	const { rows } = await db.query<{ id: string; attempts: number }>(
		`UPDATE whatsapp_messages m SET attempts = attempts + 1, sending_since = now(), send_in_doubt = false, next_attempt_at = NULL, paced = false, updated_at = now()
		 WHERE m.id = ANY($1::uuid[]) AND (m.status = 'queued') IS TRUE AND ${OUTBOX_ROW} RETURNING m.id, m.attempts`,
		[messageIds],
		{ prepare: true },
	);
	const byId = new Map(rows.map((row) => [row.id, row.attempts]));
	return messageIds.map((id) => byId.get(id));
}

// markSent as one statement, for one or many sends (of different messages). The fold CTE deletes the echo's early
// copy and the acks waiting for the id, and gives the status the row reaches ('sent', or further when the copy or an
// ack was ahead); the update reads fold, so the copy is gone before the row takes its WhatsApp id (one unique index).
// sent_at is stamped whatever that status: it went out now (pacing counts sends by sent_at). The final SELECT answers
// the removed copies even when the row itself is gone. Every row is reached through an index whatever the planner
// guesses of the input's size (jsonb_to_recordset: 100 rows): the copies by a LATERAL probe each, the messages by
// \`id = ANY(…)\` — a hash join over a whole-table scan is what it chose otherwise.
const MARK_SENT = `WITH input AS (
		SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(w uuid, c uuid, wa text, id uuid, ts timestamptz, preview text)
	), copies AS MATERIALIZED (
		-- Looked up message by message (an index probe each: OFFSET 0 keeps the LATERAL from being flattened into a
		-- join the planner may run as a scan), then deleted by primary key.
		SELECT x.id, i.id AS for_id FROM input i
		CROSS JOIN LATERAL (SELECT x.id FROM whatsapp_messages x
			WHERE x.workspace_id = i.w AND x.channel_id = i.c AND x.wa_message_id = i.wa AND x.id <> i.id AND x.origin IS NULL OFFSET 0) x
	), echo_copy AS (
		DELETE FROM whatsapp_messages x USING copies k
		WHERE x.id = ANY(ARRAY(SELECT id FROM copies)) AND x.id = k.id
		RETURNING x.status, x.id, x.conversation_id, k.for_id
	), early AS (
		DELETE FROM whatsapp_pending_message_updates p USING input i WHERE p.workspace_id = i.w AND p.channel_id = i.c AND p.wa_message_id = i.wa
		RETURNING p.status, i.id AS for_id
	), fold AS (
		SELECT i.*,
			(SELECT s FROM unnest(ARRAY['sent'] || ARRAY(SELECT e.status FROM echo_copy e WHERE e.for_id = i.id)
				|| ARRAY(SELECT e.status FROM early e WHERE e.for_id = i.id AND e.status IS NOT NULL)) s
				ORDER BY whatsapp_message_status_rank(s) DESC LIMIT 1) AS best,
			(SELECT coalesce(json_agg(json_build_object('id', e.id, 'conversationId', e.conversation_id)), '[]'::json) FROM echo_copy e WHERE e.for_id = i.id) AS removed
		FROM input i
	), sent AS (
		UPDATE whatsapp_messages AS m SET wa_message_id = f.wa, sending_since = NULL, send_in_doubt = false, next_attempt_at = NULL, paced = false, error = NULL, error_code = NULL,
			wa_timestamp = COALESCE(f.ts, m.wa_timestamp), ${statusAdvanceSet('m', 'f.best', { guarded: true, stamps: { sent_at: 'COALESCE(m.sent_at, now())' } })}
		FROM fold f WHERE m.id = ANY(ARRAY(SELECT id FROM input)) AND m.workspace_id = f.w AND m.id = f.id
		RETURNING ${MESSAGE_COLUMNS}, m.workspace_id AS line_workspace, m.thread_at AS line_at, m.thread_seq AS line_seq
	), line AS (
		-- Sent, the message sorts by its WhatsApp time and may now be its conversation's newest: the list line follows
		-- the thread. (Usually it already shows this message, from when the batch was queued; it does not when an echo
		-- stored early as a row of its own moved the line to itself, a moment before this later message went out.)
		UPDATE whatsapp_conversations c SET last_message_preview = n.preview, last_message_direction = 'outbound',
			last_message_at = GREATEST(c.last_message_at, n.line_at), updated_at = now()
		FROM (SELECT DISTINCT ON (s."conversationId") s."conversationId" AS cv, s.id, s.line_workspace AS w, s.line_at, s.line_seq, f.preview
			FROM sent s JOIN fold f ON f.id = s.id WHERE s.type <> 'reaction' ORDER BY s."conversationId", s.line_at DESC, s.line_seq DESC) n
		WHERE c.workspace_id = n.w AND c.id = n.cv
			AND (c.last_message_preview IS DISTINCT FROM n.preview OR c.last_message_direction IS DISTINCT FROM 'outbound')
			AND NOT EXISTS (SELECT 1 FROM whatsapp_messages o
				WHERE o.workspace_id = n.w AND o.conversation_id = n.cv AND o.id <> n.id AND o.type <> 'reaction' AND o.direction <> 'internal'
					AND (o.thread_at, o.thread_seq) > (n.line_at, n.line_seq) AND o.id NOT IN (SELECT id FROM echo_copy))
	), logged AS (
		INSERT INTO whatsapp_logs (${UPSTREAM_LOG_COLUMNS})
		SELECT l.workspace_id, l.channel_id, l.operation, l.message_id, l.method, l.endpoint, l.http_status, l.latency_ms, l.ok, l.error, l.request, l.response
		FROM jsonb_to_recordset($2::jsonb) AS l(workspace_id uuid, channel_id uuid, operation text, message_id uuid, method text, endpoint text,
			http_status int, latency_ms int, ok boolean, error text, request jsonb, response jsonb)
	)
	SELECT f.id AS "forId", f.removed AS "removedCopies", sent.* FROM fold f LEFT JOIN sent ON sent.id = f.id`;

export interface SentRef {
	workspaceId: string;
	channelId: string;
	id: string;
	type: OutboundType;
	body: string | null;
}

export interface MarkSentInput {
	ref: SentRef;
	waMessageId: string;
	waTimestamp: Date | null;
	/** The send call's whatsapp_logs line, written by the same statement. */
	log?: UpstreamCall;
}

export type MarkSentResult = { message: ThreadMessage | undefined; removedCopies: Array<{ id: string; conversationId: string }> };

/**
 * The send went out as WhatsApp message `waMessageId`: stored on the row, so the `send.message` echo and the
 * `messages.update` acks land here. If the echo came first, ingest stored it as a row of its own (it could not know
 * it was ours): that copy is folded in (its status kept if ahead) and removed, and so are acks waiting for the id.
 * Status only moves forward. The removed copies are returned: pages that were shown them must drop them. The
 * conversation's list line moves to this message when, sent, it is the newest in the thread.
 * `log`: the send call's whatsapp_logs line, written by the same statement (one commit: the row never says sent
 * without its log line). Should that statement fail, the send is stored alone and the line written apart.
 */
export async function markSent(db: Queryable, ref: SentRef, waMessageId: string, waTimestamp: Date | null, log?: UpstreamCall): Promise<MarkSentResult> {
	for (let attempt = 0; ; attempt++) {
		try {
			return (await markSentMany(db, [{ ref, waMessageId, waTimestamp, log }]))[0];
		} catch (error) {
			// The echo being written by ingest at this very moment: once it commits, the copy can be folded in.
			if ((error as { code?: string }).code === '23505' && attempt < 3) continue;
			if (!log || isDbUnavailableError(error)) throw error;
			// Something in the log line itself: the send is what matters.
			const sent = await markSent(db, ref, waMessageId, waTimestamp);
			await logUpstreamCall(db, log);
			return sent;
		}
	}
}

/**
 * markSent for sends of different messages in one statement (all or nothing), answered in their order; no retry and
 * no fallback of its own: a caller whose batch failed stores each send with markSent.
 */
export async function markSentMany(db: Queryable, sends: MarkSentInput[]): Promise<MarkSentResult[]> {
	if (new Set(sends.map((send) => send.ref.id)).size !== sends.length) throw new Error('markSentMany: a message named twice');
	const input = sends.map(({ ref, waMessageId, waTimestamp }) => ({
		w: ref.workspaceId,
		c: ref.channelId,
		wa: waMessageId,
		id: ref.id,
		ts: waTimestamp?.toISOString() ?? null,
		preview: messagePreview({ type: ref.type, body: ref.body ?? undefined }),
	}));
	const logs = sends.flatMap((send) => (send.log ? [upstreamLogRecord(send.log)] : []));
	const { rows } = await db.query<ThreadMessage & { forId: string; removedCopies: MarkSentResult['removedCopies']; line_workspace: unknown; line_at: unknown; line_seq: unknown }>(
		MARK_SENT,
		[JSON.stringify(input), JSON.stringify(logs)],
		{ prepare: true },
	);
	const byId = new Map(
		rows.map(({ forId, removedCopies, line_workspace: _w, line_at: _at, line_seq: _seq, ...message }) => [
			forId,
			{ message: message.id ? (message as ThreadMessage) : undefined, removedCopies },
		]),
	);
	return sends.map((send) => byId.get(send.ref.id) ?? { message: undefined, removedCopies: [] });
}

/** Another try later: the error kept on the row; `inDoubt` when the send may have gone out, `refund` gives the attempt back (429). */
export async function markRetry(
	db: Queryable,
	ref: { workspaceId: string; id: string },
	retry: { at: Date; code: string; message: string; inDoubt: boolean; refund?: boolean },
): Promise<ThreadMessage | undefined> {
	const { rows } = await db.query<ThreadMessage>(
		`UPDATE whatsapp_messages m SET next_attempt_at = $3, error_code = $4, error = $5, sending_since = NULL, send_in_doubt = $6::boolean,
			attempts = CASE WHEN $7::boolean THEN GREATEST(m.attempts - 1, 0) ELSE m.attempts END, updated_at = now()
		 WHERE ${QUEUED_BY_ID} RETURNING ${MESSAGE_COLUMNS}`,
		[ref.workspaceId, ref.id, retry.at.toISOString(), retry.code, retry.message.slice(0, 1000), retry.inDoubt, !!retry.refund],
	);
	return rows[0];
}

/** Held by pacing: looked at again at `at` (capped, so a changed setting takes effect), expected to go at `expectedAt`. */
export async function markHeld(db: Queryable, ref: { workspaceId: string; id: string }, hold: { at: Date; expectedAt: Date }): Promise<ThreadMessage | undefined> {
	const { rows } = await db.query<ThreadMessage>(
		`UPDATE whatsapp_messages m SET next_attempt_at = $3, paced = true, expected_send_at = $4, updated_at = now()
		 WHERE ${QUEUED_BY_ID} RETURNING ${MESSAGE_COLUMNS}`,
		[ref.workspaceId, ref.id, hold.at.toISOString(), hold.expectedAt.toISOString()],
	);
	return rows[0];
}

/** Gives up: `failed` with the reason kept; only from queued (a late ack may still move it forward afterwards). */
export async function markFailed(db: Queryable, ref: { workspaceId: string; id: string }, failure: { code: string; message: string }): Promise<ThreadMessage | undefined> {
	const { rows } = await db.query<ThreadMessage>(
		`UPDATE whatsapp_messages m SET status = 'failed', failed_at = now(), error_code = $3, error = $4, sending_since = NULL, send_in_doubt = false, next_attempt_at = NULL,
			paced = false, updated_at = now()
		 WHERE ${QUEUED_BY_ID} RETURNING ${MESSAGE_COLUMNS}`,
		[ref.workspaceId, ref.id, failure.code, failure.message.slice(0, 1000)],
	);
	return rows[0];
}

/** The queued outbox rows of the deployment, per channel (the reconciler's scan), with when each is due. */
export async function queuedMessages(db: Queryable, limit: number): Promise<Array<{ id: string; channelId: string; dueAt: Date | null }>> {
	const { rows } = await db.query<{ id: string; channelId: string; dueAt: Date | null }>(
		`SELECT m.id, m.channel_id AS "channelId", m.next_attempt_at AS "dueAt" FROM whatsapp_messages m
		 WHERE m.status = 'queued' AND m.origin IS NOT NULL ORDER BY m.channel_id, m.created_at LIMIT $1`,
		[limit],
	);
	return rows;
}
