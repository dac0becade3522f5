import { contactIdentity } from '../contacts/contact-upsert';
import { conversationColumns, conversationFromRow, type ConversationSummary } from '../inbox/conversations/conversation-view';
import { messageColumns, messageFromRow, type ThreadMessage } from '../inbox/messages/message-view';
import type { InboxNotification } from '../inbox/notifications/notifications';
import type { Queryable } from '../db/db';
import type { IncomingMessage } from '../providers/provider-events';
import { DELETED_MESSAGE_PREVIEW, messagePreview } from './message-preview';
import { statusAdvanceSet } from './message-status-columns';

/** One chat message of a batch, from delivery number `delivery`. */
export interface MessageWrite {
	delivery: number;
	workspaceId: string;
	channelId: string;
	message: IncomingMessage;
	/**
	 * The message's conversation, when the caller resolved its chat itself in the same transaction (history sync:
	 * the same upserts, cached for the run): the statement then takes it by id instead of finding the contact and the
	 * conversation again, message by message.
	 */
	conversationId?: string;
}

/** The audit row of a delivery of chat messages; its outcome is decided with the writes (processed or duplicate). */
export interface MessageDeliveryAudit {
	delivery: number;
	workspaceId: string;
	channelId: string;
	provider: string;
	event: string;
	bodySha256: string;
	auditPayload: string;
	receivedAt: number;
	/** Something else of this delivery already changed (a contact or lead was created): processed whatever the messages did. */
	changed: boolean;
}

export type StoredMessage = ThreadMessage & { waMessageId: string; inserted: boolean };

export interface ConversationChange {
	conversation: ConversationSummary;
	/** The delivery whose message changed it last in the batch (the one its events are counted for). */
	delivery: number;
	/** The assignee's notification, created or refreshed because a recent inbound message arrived. */
	bell?: InboxNotification;
}

export interface MessageWriteResult {
	/**
	 * Per input message: whether its chat was found, whether this statement inserted it, and its row if this
	 * statement inserted or changed it (without `messageRows`, never: the caller only counts).
	 */
	items: Array<{ resolved: boolean; inserted: boolean; stored?: StoredMessage }>;
	conversations: ConversationChange[];
	/** Outcomes of the audited deliveries (see `onlyKnownChats`). */
	outcomes: Map<number, 'processed' | 'duplicate'>;
}

// An inbound message older than this is history arriving late, not something to ring the bell for.
const BELL_WINDOW = "interval '15 minutes'";
const MESSAGE_PREFIX = 'message.';
const CONVERSATION_PREFIX = 'conversation.';

/*
 * The statement, in the order PostgreSQL applies its parts:
 * - v: the messages; found: each one's contact (by phone, @lid, or group JID) and conversation on its channel, or
 *   (kind 'c') the conversation the caller named, taken by id. In
 *   strict mode a message is left out when its chat needs more than a lookup: a lead to attribute (a live inbound
 *   message and no lead on the conversation), or contact details to learn (an @lid, a JID, a new push name).
 * - early: acks / edits / deletes that arrived before their message, folded into the new row; ins: the messages,
 *   keyed by (workspace, channel, WhatsApp id): a message already stored only moves its status forward.
 * - fresh / activity: what the inserted chat messages (not reactions) did to each conversation, in WhatsApp's order:
 *   the newest sets time, preview and direction; inbound messages after our last live answer are unread (an answer
 *   resets the count); live inbound messages reopen and ring the bell; history imports only move the time.
 * - changed: the conversations; bell: the assignee's unread "new message" notification, one per conversation;
 *   audit: one row per delivery whose messages were all found, processed if anything changed, else duplicate.
 */
const SQL = `WITH v AS (
	SELECT * FROM unnest($1::int[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::boolean[], $8::text[], $9::text[], $10::text[],
		$11::text[], $12::text[], $13::bigint[], $14::int[], $15::text[], $16::text[], $17::text[], $18::text[], $19::text[], $20::text[],
		$21::timestamptz[], $22::boolean[], $23::text[], $24::text[], $25::boolean[], $26::text[], $27::text[], $40::uuid[]) WITH ORDINALITY
	AS v(d, w, c, kind, k, wid, fm, t, b, mu, mm, mf, ms, md, dt, q, rt, sj, sn, st, ts, needs_lead, push, lid, live, preview, bell, named, ord)
 ),
 contact AS (
	SELECT v.ord, ct.id, ct.lid, ct.wa_jid, ct.push_name FROM v JOIN contacts ct ON ct.workspace_id = v.w AND ct.phone_e164 = v.k WHERE v.kind = 'p'
	UNION ALL SELECT v.ord, ct.id, ct.lid, ct.wa_jid, ct.push_name FROM v JOIN contacts ct ON ct.workspace_id = v.w AND ct.lid = v.k WHERE v.kind = 'l'
	UNION ALL SELECT v.ord, ct.id, ct.lid, ct.wa_jid, ct.push_name FROM v JOIN contacts ct ON ct.workspace_id = v.w AND ct.wa_jid = v.k AND ct.is_group WHERE v.kind = 'g'
 ),
 found AS MATERIALIZED (
	SELECT v.*, cv.id AS cv FROM v JOIN contact ct ON ct.ord = v.ord
	JOIN whatsapp_conversations cv ON cv.workspace_id = v.w AND cv.channel_id = v.c AND cv.contact_id = ct.id
	WHERE NOT $38::boolean OR (
		(NOT v.needs_lead OR cv.lead_id IS NOT NULL)
		AND NOT (v.lid IS NOT NULL AND ct.lid IS NULL)
		AND NOT (v.kind = 'p' AND ct.wa_jid IS NULL)
		AND NOT (v.push IS NOT NULL AND v.push IS DISTINCT FROM ct.push_name))
	UNION ALL
	-- Named by the caller: by primary key only. Workspace and channel are checked with IS NOT DISTINCT FROM, which no
	-- index serves, so that no statistics can make the planner prefer a (workspace_id, …) index: a table that grew
	-- from empty during an import has none yet, and such a plan scans every conversation of the workspace per message.
	SELECT v.*, cv.id AS cv FROM v JOIN whatsapp_conversations cv ON cv.id = v.named
	WHERE (cv.workspace_id, cv.channel_id) IS NOT DISTINCT FROM (v.w, v.c)
 ),
 early AS (
	DELETE FROM whatsapp_pending_message_updates p USING found f WHERE p.workspace_id = f.w AND p.channel_id = f.c AND p.wa_message_id = f.wid
	RETURNING p.workspace_id, p.channel_id, p.wa_message_id, p.status, p.edited_body, p.edited_at, p.deleted_at
 ),
 ins AS (
	INSERT INTO whatsapp_messages AS m (workspace_id, channel_id, conversation_id, wa_message_id, direction, from_me, type, body,
		media_url, media_mime_type, media_file_name, media_size_bytes, media_duration_seconds, details, quoted_wa_message_id,
		reaction_target_wa_message_id, sender_jid, sender_name, status, wa_timestamp, is_edited, edited_at, is_deleted, deleted_at)
	SELECT f.w, f.c, f.cv, f.wid, CASE WHEN f.fm THEN 'outbound' ELSE 'inbound' END, f.fm, f.t, COALESCE(e.edited_body, f.b),
		f.mu, f.mm, f.mf, f.ms, f.md, f.dt::jsonb, f.q, f.rt, f.sj, f.sn,
		CASE WHEN whatsapp_message_status_rank(e.status) > whatsapp_message_status_rank(f.st) THEN e.status ELSE f.st END, f.ts,
		e.edited_body IS NOT NULL, CASE WHEN e.edited_body IS NOT NULL THEN COALESCE(e.edited_at, now()) END,
		e.deleted_at IS NOT NULL, e.deleted_at
	FROM found f LEFT JOIN early e ON e.workspace_id = f.w AND e.channel_id = f.c AND e.wa_message_id = f.wid
	-- In the input's order, so thread_seq (the thread's tie-breaker within a second) follows the order they came in.
	ORDER BY f.ord
	ON CONFLICT (workspace_id, channel_id, wa_message_id) WHERE wa_message_id IS NOT NULL
	DO UPDATE SET STATUS_ADVANCE
	WHERE whatsapp_message_status_rank(EXCLUDED.status) > whatsapp_message_status_rank(m.status)
	RETURNING INSERTED_COLUMNS, (m.xmax = 0) AS inserted
 ),
 -- The inserted rows are matched to their input by sorting both together on the key, not by a join: the planner
 -- expects a row or two from each side and would compare every inserted row with every input row (nested loop),
 -- a cost that grows with the square of the batch (a 500-message history page).
 paired AS (
	SELECT j.*, bool_or(j.is_ins) OVER key AS matched, bool_or(j.deleted) OVER key AS ins_deleted
	FROM (
		SELECT f.w, f.c, f.wid, f.cv, f.d, f.ord, f.ts, f.fm, f.live, f.preview, f.bell, f.t, false AS is_ins, NULL::boolean AS deleted FROM found f
		UNION ALL
		SELECT ins.workspace_id, ins.channel_id, ins.wa_message_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, true, ins.is_deleted
		FROM ins WHERE ins.inserted
	) j
	WINDOW key AS (PARTITION BY j.w, j.c, j.wid)
 ),
 fresh AS MATERIALIZED (
	SELECT f.cv AS id, f.d, f.ord, f.ts, f.fm, f.live, CASE WHEN f.ins_deleted THEN $39::text ELSE f.preview END AS preview,
		CASE WHEN f.ins_deleted THEN $39::text ELSE f.bell END AS bell, row_number() OVER (PARTITION BY f.cv ORDER BY f.ts, f.ord) AS n
	FROM paired f
	WHERE f.matched AND NOT f.is_ins AND f.wid IS NOT NULL AND f.t <> 'reaction'
 ),
 summary AS (
	SELECT id, max(n) AS last_n, max(ts) FILTER (WHERE NOT fm) AS inbound_at,
		max(n) FILTER (WHERE live AND fm) AS answer_n, max(n) FILTER (WHERE live AND NOT fm) AS bell_n
	FROM fresh GROUP BY id
 ),
 activity AS MATERIALIZED (
	SELECT s.id, l.d, l.ord, l.ts AS at, l.preview, CASE WHEN l.fm THEN 'outbound' ELSE 'inbound' END AS dir, s.inbound_at,
		s.answer_n IS NOT NULL AS reset, s.bell_n IS NOT NULL AS reopen, b.bell AS bell_body, b.ts AS bell_at,
		(SELECT count(*) FROM fresh u WHERE u.id = s.id AND u.live AND NOT u.fm AND u.n > coalesce(s.answer_n, 0))::int AS add
	FROM summary s JOIN fresh l ON l.id = s.id AND l.n = s.last_n LEFT JOIN fresh b ON b.id = s.id AND b.n = s.bell_n
 ),
 changed AS (
	UPDATE whatsapp_conversations c SET
		unread_count = CASE WHEN a.reset THEN a.add ELSE c.unread_count + a.add END,
		last_message_preview = CASE WHEN c.last_message_at IS NULL OR a.at >= c.last_message_at THEN a.preview ELSE c.last_message_preview END,
		last_message_direction = CASE WHEN c.last_message_at IS NULL OR a.at >= c.last_message_at THEN a.dir ELSE c.last_message_direction END,
		last_message_at = GREATEST(c.last_message_at, a.at),
		last_inbound_at = GREATEST(c.last_inbound_at, a.inbound_at),
		status = CASE WHEN a.reopen AND c.status IN ('resolved', 'snoozed') THEN (CASE WHEN c.assigned_user_id IS NULL THEN 'pending' ELSE 'open' END) ELSE c.status END,
		snoozed_until = CASE WHEN a.reopen THEN NULL ELSE c.snoozed_until END,
		updated_at = now()
	FROM activity a WHERE c.id = a.id
	RETURNING c.*
 ),
 bell AS (
	INSERT INTO inbox_notifications AS b (workspace_id, user_id, conversation_id, kind, title, body)
	SELECT c.workspace_id, c.assigned_user_id, c.id, 'message_received', left('New message from ' || coalesce(ct.name, ct.push_name, ct.phone_e164, 'a contact'), 200), a.bell_body
	FROM changed c JOIN activity a ON a.id = c.id JOIN contacts ct ON ct.id = c.contact_id AND ct.workspace_id = c.workspace_id
	WHERE c.assigned_user_id IS NOT NULL AND a.bell_at > now() - ${BELL_WINDOW}
	ON CONFLICT (workspace_id, user_id, conversation_id) WHERE kind = 'message_received' AND read_at IS NULL
	DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body, created_at = now()
	RETURNING b.id, b.user_id, b.conversation_id, b.title, b.body, b.created_at
 ),
 stored AS (SELECT DISTINCT f.d FROM ins JOIN found f ON f.w = ins.workspace_id AND f.c = ins.channel_id AND f.wid = ins.wa_message_id),
 missed AS (SELECT DISTINCT v.d FROM v LEFT JOIN found f ON f.ord = v.ord WHERE f.ord IS NULL),
 outcome AS MATERIALIZED (
	SELECT a.*, pl.payload, CASE WHEN a.changed OR s.d IS NOT NULL THEN 'processed' ELSE 'duplicate' END AS outcome
	FROM unnest($28::int[], $29::uuid[], $30::uuid[], $31::text[], $32::text[], $33::text[], $35::int[], $36::float8[], $37::boolean[]) WITH ORDINALITY
		AS a(d, w, c, p, e, h, ms, at, changed, i)
	-- The payloads travel as one JSON array of the bodies themselves: no escaping them as text, no parsing twice.
	JOIN jsonb_array_elements($34::jsonb) WITH ORDINALITY AS pl(payload, i) ON pl.i = a.i
	LEFT JOIN stored s ON s.d = a.d
	WHERE a.d NOT IN (SELECT d FROM missed)
 ),
 audit AS (
	INSERT INTO webhook_deliveries (workspace_id, channel_id, provider, event, outcome, http_status, body_sha256, payload, processing_ms, received_at)
	SELECT w, c, p, e, outcome, 200, h, payload, ms, to_timestamp(at / 1000.0) FROM outcome
 )
 SELECT v.ord AS "_ord", f.ord IS NOT NULL AS "_found", m.inserted AS "_inserted", o.outcome AS "_outcome", a.d AS "_changedBy",
	MESSAGE_VIEW, CONVERSATION_VIEW,
	b.id AS "_bellId", b.user_id AS "_bellUserId", b.title AS "_bellTitle", b.body AS "_bellBody", b.created_at AS "_bellCreatedAt"
 FROM v
 LEFT JOIN found f ON f.ord = v.ord
 LEFT JOIN ins m ON m.workspace_id = v.w AND m.channel_id = v.c AND m.wa_message_id = v.wid
 LEFT JOIN outcome o ON o.d = v.d
 -- Each changed conversation rides on one row: its newest message's.
 LEFT JOIN activity a ON a.id = f.cv AND a.ord = v.ord
 LEFT JOIN changed c ON c.id = a.id
 LEFT JOIN contacts ct ON ct.id = c.contact_id AND ct.workspace_id = c.workspace_id
 LEFT JOIN bell b ON b.conversation_id = c.id
 ROW_FILTER
 ORDER BY v.ord`;

// The message view reads `m`: the row inserted or moved forward (all null when the message changed nothing).
const STATEMENT = SQL.replace('STATUS_ADVANCE', statusAdvanceSet('m', 'EXCLUDED.status'))
	.replace('INSERTED_COLUMNS', 'm.*')
	.replace('MESSAGE_VIEW', messageColumns(MESSAGE_PREFIX))
	.replace('CONVERSATION_VIEW', conversationColumns(CONVERSATION_PREFIX))
	.replace('ROW_FILTER', '');
// The same statement for a caller that only counts what was stored (history sync): the inserted rows are not sent
// back — at 500 messages a page, reading every row's view back cost the import more than writing it — and only the
// messages that are not simply "found and inserted" come back, with the conversations that moved: in an import
// almost every message is, and reading 500 rows of mostly empty conversation columns back per page cost the import's
// Node process as much as its own normalising.
const COUNTING_STATEMENT = SQL.replace('STATUS_ADVANCE', statusAdvanceSet('m', 'EXCLUDED.status'))
	.replace('INSERTED_COLUMNS', 'm.workspace_id, m.channel_id, m.wa_message_id, m.is_deleted')
	.replace('MESSAGE_VIEW, ', '')
	.replace('CONVERSATION_VIEW', conversationColumns(CONVERSATION_PREFIX))
	.replace('ROW_FILTER', 'WHERE f.ord IS NULL OR m.inserted IS NOT TRUE OR c.id IS NOT NULL OR o.d IS NOT NULL');


type Row = Record<string, unknown> & {
	_ord: string;
	_found: boolean;
	_inserted: boolean | null;
	_outcome: 'processed' | 'duplicate' | null;
	_changedBy: number | null;
	_bellId: string | null;
	_bellUserId: string;
	_bellTitle: string;
	_bellBody: string | null;
	_bellCreatedAt: string;
};

/**
 * Stores a batch of chat messages and everything they change — the messages, their conversations (unread count, last
 * message, reopening), the assignees' bells and the deliveries' audit rows — in one statement, so that in the steady
 * state (known contacts writing in existing conversations) a whole batch costs one round trip and commits atomically
 * even outside a transaction. With `onlyKnownChats`, a message whose chat needs more than a lookup (see the statement)
 * is left out and reported unresolved, and deliveries with such a message are not audited: the caller writes those
 * through the upserts, then calls this again without the flag. Returns rows in the shapes the REST API returns.
 */
export async function writeMessages(
	db: Queryable,
	writes: MessageWrite[],
	audits: MessageDeliveryAudit[],
	options: { onlyKnownChats: boolean; /** Send the stored rows back (default); false: only whether each was inserted. */ messageRows?: boolean },
): Promise<MessageWriteResult> {
	const messageRows = options.messageRows ?? true;
	const col = <T>(pick: (w: MessageWrite) => T) => writes.map(pick);
	const identities = writes.map((w) => contactIdentity(w.message.chat));
	const now = Date.now();
	const { rows } = await db.query<Row>(
		messageRows ? STATEMENT : COUNTING_STATEMENT,
		[
			col((w) => w.delivery),
			col((w) => w.workspaceId),
			col((w) => w.channelId),
			// A named conversation replaces the contact lookup (kind 'c').
			identities.map((i, index) => (writes[index].conversationId ? 'c' : i.kind)),
			identities.map((i) => i.value),
			col((w) => w.message.waMessageId),
			col((w) => w.message.fromMe),
			col((w) => w.message.type),
			col((w) => w.message.body ?? null),
			col((w) => w.message.media?.url ?? null),
			col((w) => w.message.media?.mimeType ?? null),
			col((w) => w.message.media?.fileName ?? null),
			col((w) => (w.message.media?.sizeBytes !== undefined ? String(w.message.media.sizeBytes) : null)),
			col((w) => w.message.media?.durationSeconds ?? null),
			col((w) => (w.message.details ? JSON.stringify(w.message.details) : null)),
			col((w) => w.message.quotedWaMessageId ?? null),
			col((w) => w.message.reaction?.targetWaMessageId ?? null),
			col((w) => w.message.sender?.jid ?? null),
			col((w) => w.message.sender?.name ?? null),
			col((w) => w.message.status),
			col((w) => w.message.timestamp.toISOString()),
			// A lead is due for a person's live inbound message; the person's push name only comes from what they sent.
			col((w) => !w.message.chat.isGroup && !w.message.fromMe && !w.message.history),
			col((w) => (w.message.fromMe ? null : w.message.pushName ?? null)),
			col((w) => w.message.chat.lid ?? null),
			col((w) => !w.message.history),
			col((w) => messagePreview(w.message)),
			col((w) => w.message.body?.slice(0, 200) ?? `[${w.message.type}]`),
			audits.map((a) => a.delivery),
			audits.map((a) => a.workspaceId),
			audits.map((a) => a.channelId),
			audits.map((a) => a.provider),
			audits.map((a) => a.event),
			audits.map((a) => a.bodySha256),
			`[${audits.map((a) => a.auditPayload).join(',')}]`,
			audits.map((a) => Math.max(0, Math.round(now - a.receivedAt))),
			audits.map((a) => a.receivedAt),
			audits.map((a) => a.changed),
			options.onlyKnownChats,
			DELETED_MESSAGE_PREVIEW,
			col((w) => w.conversationId ?? null),
		],
		{ prepare: true },
	);

	const result: MessageWriteResult = { items: [], conversations: [], outcomes: new Map() };
	// Counting: a message without a row of its own was found and inserted (see COUNTING_STATEMENT).
	if (!messageRows) for (let index = 0; index < writes.length; index++) result.items[index] = { resolved: true, inserted: true };
	for (const row of rows) {
		const index = Number(row._ord) - 1;
		const message = messageRows ? messageFromRow(row, MESSAGE_PREFIX) : undefined;
		result.items[index] = {
			resolved: row._found,
			inserted: Boolean(row._inserted),
			stored: message ? { ...message, waMessageId: message.waMessageId as string, inserted: Boolean(row._inserted) } : undefined,
		};
		if (row._outcome) result.outcomes.set(writes[index].delivery, row._outcome);
		const conversation = conversationFromRow(row, CONVERSATION_PREFIX);
		if (!conversation) continue;
		result.conversations.push({
			conversation,
			delivery: Number(row._changedBy),
			bell: row._bellId
				? { id: row._bellId, userId: row._bellUserId, conversationId: conversation.id, kind: 'message_received', title: row._bellTitle, body: row._bellBody, readAt: null, createdAt: row._bellCreatedAt }
				: undefined,
		});
	}
	// A delivery whose messages all repeat earlier ones of the batch has no rows above; the statement audited it as well.
	const withWrites = new Set(writes.map((w) => w.delivery));
	for (const audit of audits) if (!withWrites.has(audit.delivery)) result.outcomes.set(audit.delivery, audit.changed ? 'processed' : 'duplicate');
	return result;
}
