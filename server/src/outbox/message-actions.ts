import type { Caller } from '../auth/caller';
import type { Db } from '../db/db';
import { ApiError, conflict, notFound } from '../inbox/api/api-error';
import { MESSAGE_COLUMNS, type ThreadMessage } from '../inbox/messages/message-view';
import { EvolutionError } from '../providers/evolution/evolution-client';
import { channelClient, evolutionNumber, logUpstreamCall } from './evolution-send';
import { QUEUED_BY_ID } from './outbox-store';

interface ActionRow {
	id: string;
	workspaceId: string;
	channelId: string;
	conversationId: string;
	direction: string;
	origin: string | null;
	status: string;
	type: string;
	fromMe: boolean;
	waMessageId: string | null;
	isDeleted: boolean;
	sendingSince: Date | null;
	sendInDoubt: boolean;
	chatJid: string;
	instanceName: string;
	baseUrl: string;
	provider: string;
	apiKeySealed: string | null;
	tokenSealed: string | null;
	optedOutAt: Date | null;
}

async function actionRow(db: Db, workspaceId: string, messageId: string): Promise<ActionRow> {
	const { rows } = await db.query<ActionRow>(
		`SELECT m.id, m.workspace_id AS "workspaceId", m.channel_id AS "channelId", m.conversation_id AS "conversationId", m.direction, m.origin, m.status,
			m.type, m.from_me AS "fromMe", m.wa_message_id AS "waMessageId", m.is_deleted AS "isDeleted", m.sending_since AS "sendingSince",
			m.send_in_doubt AS "sendInDoubt", c.chat_jid AS "chatJid", ch.instance_name AS "instanceName", ch.base_url AS "baseUrl", ch.provider,
			ch.api_key_encrypted AS "apiKeySealed", ch.instance_token_encrypted AS "tokenSealed", ct.opted_out_at AS "optedOutAt"
		 FROM whatsapp_messages m
		 JOIN whatsapp_conversations c ON c.id = m.conversation_id AND c.workspace_id = m.workspace_id
		 JOIN whatsapp_channels ch ON ch.id = m.channel_id AND ch.workspace_id = m.workspace_id
		 JOIN contacts ct ON ct.id = c.contact_id AND ct.workspace_id = m.workspace_id
		 WHERE m.workspace_id = $1 AND m.id = $2`,
		[workspaceId, messageId],
	);
	if (!rows[0]) throw notFound('Message');
	return rows[0];
}

const notOutbox = () => new ApiError(422, 'not_an_outbox_message', 'Only messages sent through the outbox can be retried or cancelled (notes and received messages never are).');

/** failed → queued again, attempts from zero; a cancelled message stays cancelled. */
export async function retryMessage(db: Db, caller: Pick<Caller, 'workspaceId'>, messageId: string): Promise<ThreadMessage> {
	const row = await actionRow(db, caller.workspaceId, messageId);
	if (row.direction !== 'outbound' || !row.origin) throw notOutbox();
	if (row.isDeleted) throw conflict('This message was cancelled; send a new one.', 'cancelled');
	if (row.origin === 'proactive' && row.optedOutAt) throw new ApiError(422, 'opted_out', 'This contact asked not to receive messages (opt-out).');
	const { rows } = await db.query<ThreadMessage>(
		`UPDATE whatsapp_messages m SET status = 'queued', attempts = 0, error = NULL, error_code = NULL, failed_at = NULL, next_attempt_at = NULL,
			sending_since = NULL, send_in_doubt = false, paced = false, expected_send_at = NULL, updated_at = now()
		 WHERE m.workspace_id = $1 AND m.id = $2 AND m.status = 'failed' AND NOT m.is_deleted RETURNING ${MESSAGE_COLUMNS}`,
		[caller.workspaceId, messageId],
	);
	if (!rows[0]) throw conflict(`Only a failed message can be retried; this one is ${row.status}.`, 'not_failed');
	return rows[0];
}

/** Cancels a message still waiting in the queue; one whose send has started (or may have gone out) cannot be. */
export async function cancelMessage(db: Db, caller: Pick<Caller, 'workspaceId'>, messageId: string): Promise<ThreadMessage> {
	const row = await actionRow(db, caller.workspaceId, messageId);
	if (row.direction !== 'outbound' || !row.origin) throw notOutbox();
	const { rows } = await db.query<ThreadMessage>(
		`UPDATE whatsapp_messages m SET status = 'failed', failed_at = now(), error_code = 'cancelled', error = 'Cancelled before it was sent.',
			is_deleted = true, deleted_at = now(), next_attempt_at = NULL, paced = false, updated_at = now()
		 WHERE ${QUEUED_BY_ID} AND m.sending_since IS NULL AND NOT m.send_in_doubt RETURNING ${MESSAGE_COLUMNS}`,
		[caller.workspaceId, messageId],
	);
	if (!rows[0]) {
		const why = row.status === 'queued' ? 'it is being sent right now (or may already have gone out)' : `it is already ${row.status}`;
		throw conflict(`This message can no longer be cancelled: ${why}.`, 'not_cancellable');
	}
	return rows[0];
}

/** A message of ours that WhatsApp has (sent, with an id): what edit and revoke act on. */
function requireOnWhatsApp(row: ActionRow, what: string): void {
	if (row.direction === 'internal') throw new ApiError(422, 'not_on_whatsapp', `A private note was never on WhatsApp; it cannot be ${what}.`);
	if (!row.fromMe) throw new ApiError(422, 'not_ours', `Only messages this number sent can be ${what}.`);
	if (!row.waMessageId) throw conflict(`The message has not reached WhatsApp yet; it cannot be ${what}. Cancel it instead while it is queued.`, 'not_sent_yet');
	if (row.isDeleted) throw conflict('The message was deleted.', 'deleted');
	if (row.provider !== 'evolution') throw new ApiError(422, 'unsupported_provider', 'Only Evolution channels edit and revoke through the server.');
}

async function callEvolution<T>(
	db: Db,
	keys: { integrationsKey: Buffer; fallbackApiKey?: string },
	row: ActionRow,
	operation: string,
	method: 'POST' | 'DELETE',
	path: string,
	body: Record<string, unknown>,
): Promise<T> {
	const client = channelClient(row, keys.integrationsKey, keys.fallbackApiKey);
	const startedAt = Date.now();
	try {
		const answer = await client.request<T>(method, path, body, { instance: row.instanceName });
		await logUpstreamCall(db, { workspaceId: row.workspaceId, channelId: row.channelId, messageId: row.id, operation, method, endpoint: `${path}/${row.instanceName}`, startedAt, request: body, response: answer, status: 200 });
		return answer;
	} catch (error) {
		await logUpstreamCall(db, { workspaceId: row.workspaceId, channelId: row.channelId, messageId: row.id, operation, method, endpoint: `${path}/${row.instanceName}`, startedAt, request: body, error });
		const status = error instanceof EvolutionError && error.status && error.status < 500 ? 422 : 502;
		throw new ApiError(status, 'upstream_error', `Evolution did not accept it: ${(error as Error).message}`);
	}
}

/** Edits the text of a sent text message (Evolution POST /chat/updateMessage). */
export async function editMessage(
	db: Db,
	keys: { integrationsKey: Buffer; fallbackApiKey?: string },
	caller: Pick<Caller, 'workspaceId'>,
	messageId: string,
	text: string,
): Promise<ThreadMessage> {
	const row = await actionRow(db, caller.workspaceId, messageId);
	requireOnWhatsApp(row, 'edited');
	if (row.type !== 'text') throw new ApiError(422, 'not_text', 'Only text messages can be edited.');
	await callEvolution(db, keys, row, 'outbox_edit', 'POST', '/chat/updateMessage', {
		number: evolutionNumber(row.chatJid),
		key: { id: row.waMessageId, remoteJid: row.chatJid, fromMe: true },
		text,
	});
	const { rows } = await db.query<ThreadMessage>(
		`UPDATE whatsapp_messages m SET body = $3, is_edited = true, edited_at = now(), updated_at = now() WHERE m.workspace_id = $1 AND m.id = $2 RETURNING ${MESSAGE_COLUMNS}`,
		[caller.workspaceId, messageId, text],
	);
	return rows[0];
}

/** Deletes a sent message for everyone (Evolution DELETE /chat/deleteMessageForEveryone). */
export async function revokeMessage(
	db: Db,
	keys: { integrationsKey: Buffer; fallbackApiKey?: string },
	caller: Pick<Caller, 'workspaceId'>,
	messageId: string,
): Promise<ThreadMessage> {
	const row = await actionRow(db, caller.workspaceId, messageId);
	requireOnWhatsApp(row, 'revoked');
	await callEvolution(db, keys, row, 'outbox_revoke', 'DELETE', '/chat/deleteMessageForEveryone', { id: row.waMessageId, fromMe: true, remoteJid: row.chatJid });
	const { rows } = await db.query<ThreadMessage>(
		`UPDATE whatsapp_messages m SET is_deleted = true, deleted_at = now(), updated_at = now() WHERE m.workspace_id = $1 AND m.id = $2 RETURNING ${MESSAGE_COLUMNS}`,
		[caller.workspaceId, messageId],
	);
	return rows[0];
}
