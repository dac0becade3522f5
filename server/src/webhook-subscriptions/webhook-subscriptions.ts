import { decryptSecret, encryptSecret } from '../channels/secret-cipher';
import type { Db, Queryable } from '../db/db';
import { notFound } from '../inbox/api/api-error';
import { isoTimestamp } from '../inbox/api/iso-timestamp';
import type { WebhookEventType } from './webhook-events';
import { newSigningSecret } from './webhook-signature';

/** A subscription as the API shows it: never its secret (shown once, at creation or when set). */
export interface WebhookSubscriptionView {
	id: string;
	url: string;
	/** Empty: every event. */
	events: WebhookEventType[];
	description: string | null;
	active: boolean;
	createdByUserId: string | null;
	createdAt: string;
	updatedAt: string;
}

const COLUMNS = `id, url, events, description, is_active AS active, created_by_user_id AS "createdByUserId",
	${isoTimestamp('created_at')} AS "createdAt", ${isoTimestamp('updated_at')} AS "updatedAt"`;

export async function listSubscriptions(db: Queryable, workspaceId: string): Promise<WebhookSubscriptionView[]> {
	const { rows } = await db.query<WebhookSubscriptionView>(`SELECT ${COLUMNS} FROM webhook_subscriptions WHERE workspace_id = $1 ORDER BY created_at, id`, [workspaceId]);
	return rows;
}

export async function getSubscription(db: Queryable, workspaceId: string, id: string): Promise<WebhookSubscriptionView> {
	const { rows } = await db.query<WebhookSubscriptionView>(`SELECT ${COLUMNS} FROM webhook_subscriptions WHERE workspace_id = $1 AND id = $2`, [workspaceId, id]);
	if (!rows[0]) throw notFound('Webhook subscription');
	return rows[0];
}

/** Creates a subscription; the answer carries the secret (generated unless given), the only time it is shown. */
export async function createSubscription(
	db: Queryable,
	integrationsKey: Buffer,
	workspaceId: string,
	input: { url: string; events: WebhookEventType[]; description?: string; secret?: string; active: boolean; createdByUserId: string | null },
): Promise<{ subscription: WebhookSubscriptionView; secret: string }> {
	const secret = input.secret ?? newSigningSecret();
	const { rows } = await db.query<WebhookSubscriptionView>(
		`INSERT INTO webhook_subscriptions (workspace_id, url, events, description, secret_encrypted, is_active, created_by_user_id)
		 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
		[workspaceId, input.url, input.events, input.description ?? null, encryptSecret(secret, integrationsKey), input.active, input.createdByUserId],
	);
	return { subscription: rows[0]!, secret };
}

/** Changes what is given; a new secret (given, or `rotateSecret` for a generated one) is answered this once. */
export async function updateSubscription(
	db: Queryable,
	integrationsKey: Buffer,
	workspaceId: string,
	id: string,
	input: { url?: string; events?: WebhookEventType[]; description?: string | null; active?: boolean; secret?: string; rotateSecret?: boolean },
): Promise<{ subscription: WebhookSubscriptionView; secret?: string }> {
	const secret = input.secret ?? (input.rotateSecret ? newSigningSecret() : undefined);
	const { rows } = await db.query<WebhookSubscriptionView>(
		`UPDATE webhook_subscriptions SET
			url = COALESCE($3, url),
			events = COALESCE($4, events),
			description = CASE WHEN $5::boolean THEN $6 ELSE description END,
			is_active = COALESCE($7, is_active),
			secret_encrypted = COALESCE($8, secret_encrypted),
			updated_at = now()
		 WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
		[
			workspaceId,
			id,
			input.url ?? null,
			input.events ?? null,
			input.description !== undefined,
			input.description ?? null,
			input.active ?? null,
			secret ? encryptSecret(secret, integrationsKey) : null,
		],
	);
	if (!rows[0]) throw notFound('Webhook subscription');
	return secret ? { subscription: rows[0], secret } : { subscription: rows[0] };
}

/** Deletes it with its deliveries; jobs still queued for it find no row and end. */
export async function deleteSubscription(db: Queryable, workspaceId: string, id: string): Promise<void> {
	const { rowCount } = await db.query('DELETE FROM webhook_subscriptions WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
	if (!rowCount) throw notFound('Webhook subscription');
}

/** What a fan-out needs of the active subscriptions of a workspace. */
export interface ActiveSubscription {
	id: string;
	events: string[];
}

export async function activeSubscriptions(db: Queryable, workspaceId: string): Promise<ActiveSubscription[]> {
	const { rows } = await db.query<ActiveSubscription>('SELECT id, events FROM webhook_subscriptions WHERE workspace_id = $1 AND is_active', [workspaceId], { prepare: true });
	return rows;
}

/** Where and how a delivery goes: the URL and the decrypted secret (kept in memory only for the request). */
export async function deliveryTarget(db: Db, integrationsKey: Buffer, workspaceId: string, id: string): Promise<{ url: string; secret: string; active: boolean } | undefined> {
	const { rows } = await db.query<{ url: string; secretSealed: string; active: boolean }>(
		'SELECT url, secret_encrypted AS "secretSealed", is_active AS active FROM webhook_subscriptions WHERE workspace_id = $1 AND id = $2',
		[workspaceId, id],
	);
	const row = rows[0];
	return row ? { url: row.url, secret: decryptSecret(row.secretSealed, integrationsKey), active: row.active } : undefined;
}
