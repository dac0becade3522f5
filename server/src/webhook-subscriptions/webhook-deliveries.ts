import type { Queryable } from '../db/db';
import { isoTimestamp } from '../inbox/api/iso-timestamp';

/** One delivery as GET /webhook-subscriptions/:id/deliveries shows it, with every attempt. */
export interface WebhookDeliveryView {
	id: string;
	eventId: string;
	eventType: string;
	status: 'pending' | 'delivered' | 'failed';
	attempts: number;
	lastStatusCode: number | null;
	lastError: string | null;
	nextAttemptAt: string | null;
	createdAt: string;
	deliveredAt: string | null;
	payload: Record<string, unknown>;
	attemptLog: Array<{ attempt: number; statusCode: number | null; error: string | null; durationMs: number; at: string }>;
}

/** A delivery to add: the event's payload addressed to one subscription. */
export interface NewDelivery {
	subscriptionId: string;
	eventId: string;
	eventType: string;
	payload: Record<string, unknown>;
}

/**
 * Writes the deliveries of a fan-out in one statement; an event a subscription already has (announced twice, mapped
 * by two replicas) is skipped by the unique key. Answers the rows written, to be queued.
 */
export async function insertDeliveries(db: Queryable, workspaceId: string, deliveries: NewDelivery[]): Promise<Array<{ id: string }>> {
	if (!deliveries.length) return [];
	const { rows } = await db.query<{ id: string }>(
		`INSERT INTO webhook_subscription_deliveries (workspace_id, subscription_id, event_id, event_type, payload)
		 SELECT $1, d.subscription_id, d.event_id, d.event_type, d.payload
		 FROM jsonb_to_recordset($2::jsonb) AS d(subscription_id uuid, event_id uuid, event_type text, payload jsonb)
		 ON CONFLICT (workspace_id, subscription_id, event_id) DO NOTHING
		 RETURNING id`,
		[workspaceId, JSON.stringify(deliveries.map((d) => ({ subscription_id: d.subscriptionId, event_id: d.eventId, event_type: d.eventType, payload: d.payload })))],
	);
	return rows;
}

/** What the sender needs of a delivery (nothing when it was deleted with its subscription, or already settled). */
export async function pendingDelivery(
	db: Queryable,
	workspaceId: string,
	id: string,
): Promise<{ subscriptionId: string; eventId: string; eventType: string; payload: Record<string, unknown>; attempts: number; createdAt: Date } | undefined> {
	const { rows } = await db.query<{ subscriptionId: string; eventId: string; eventType: string; payload: Record<string, unknown>; attempts: number; createdAt: Date }>(
		`SELECT subscription_id AS "subscriptionId", event_id AS "eventId", event_type AS "eventType", payload, attempts, created_at AS "createdAt"
		 FROM webhook_subscription_deliveries WHERE workspace_id = $1 AND id = $2 AND status = 'pending'`,
		[workspaceId, id],
	);
	return rows[0];
}

/**
 * Records one attempt and the delivery's new state in one transaction-free pair of statements: the attempt row is
 * keyed by its number, so a retried job that records the same attempt again changes nothing.
 */
export async function recordAttempt(
	db: Queryable,
	workspaceId: string,
	deliveryId: string,
	attempt: { number: number; statusCode: number | null; error: string | null; durationMs: number },
	outcome: { status: 'delivered' } | { status: 'pending'; nextAttemptAt: Date } | { status: 'failed' },
): Promise<void> {
	await db.query(
		`INSERT INTO webhook_subscription_attempts (delivery_id, workspace_id, attempt, status_code, error, duration_ms)
		 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (delivery_id, attempt) DO NOTHING`,
		[deliveryId, workspaceId, attempt.number, attempt.statusCode, attempt.error, Math.round(attempt.durationMs)],
	);
	await db.query(
		`UPDATE webhook_subscription_deliveries SET status = $3, attempts = GREATEST(attempts, $4), last_status_code = $5, last_error = $6,
			next_attempt_at = $7, delivered_at = CASE WHEN $3 = 'delivered' THEN now() ELSE delivered_at END, updated_at = now()
		 WHERE workspace_id = $1 AND id = $2`,
		[workspaceId, deliveryId, outcome.status, attempt.number, attempt.statusCode, attempt.error, outcome.status === 'pending' ? outcome.nextAttemptAt : null],
	);
}

/** The payload as it now goes (a message's file id filled in once stored), so the deliveries list shows what was sent. */
export async function updatePayload(db: Queryable, workspaceId: string, deliveryId: string, payload: Record<string, unknown>): Promise<void> {
	await db.query('UPDATE webhook_subscription_deliveries SET payload = $3, updated_at = now() WHERE workspace_id = $1 AND id = $2', [workspaceId, deliveryId, JSON.stringify(payload)]);
}

/** Deliveries still to make, oldest first: queued again at start (a private Redis forgets its jobs; the rows do not). */
export async function unsettledDeliveries(db: Queryable, limit: number): Promise<Array<{ workspaceId: string; id: string }>> {
	const { rows } = await db.query<{ workspaceId: string; id: string }>(
		`SELECT workspace_id AS "workspaceId", id FROM webhook_subscription_deliveries WHERE status = 'pending' ORDER BY created_at LIMIT $1`,
		[limit],
	);
	return rows;
}

/** The newest deliveries of a subscription, each with its attempts. */
export async function listDeliveries(
	db: Queryable,
	workspaceId: string,
	subscriptionId: string,
	filter: { limit: number; status?: 'pending' | 'delivered' | 'failed' },
): Promise<WebhookDeliveryView[]> {
	const { rows } = await db.query<WebhookDeliveryView>(
		`SELECT d.id, d.event_id AS "eventId", d.event_type AS "eventType", d.status, d.attempts, d.last_status_code AS "lastStatusCode", d.last_error AS "lastError",
			${isoTimestamp('d.next_attempt_at')} AS "nextAttemptAt", ${isoTimestamp('d.created_at')} AS "createdAt", ${isoTimestamp('d.delivered_at')} AS "deliveredAt", d.payload,
			COALESCE((SELECT json_agg(json_build_object('attempt', a.attempt, 'statusCode', a.status_code, 'error', a.error, 'durationMs', a.duration_ms,
				'at', ${isoTimestamp('a.attempted_at')}) ORDER BY a.attempt)
				FROM webhook_subscription_attempts a WHERE a.workspace_id = d.workspace_id AND a.delivery_id = d.id), '[]'::json) AS "attemptLog"
		 FROM webhook_subscription_deliveries d
		 WHERE d.workspace_id = $1 AND d.subscription_id = $2 AND ($3::text IS NULL OR d.status = $3)
		 ORDER BY d.created_at DESC, d.id LIMIT $4`,
		[workspaceId, subscriptionId, filter.status ?? null, filter.limit],
	);
	return rows;
}
