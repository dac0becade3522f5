import { canonicalPhone } from '../contacts/phone-number';
import { jidUser } from '../contacts/whatsapp-jid';
import type { Queryable, Tx } from '../db/db';
import type { ProviderEvent } from '../providers/provider-events';
import type { RealtimeEvent } from '../realtime/publisher';
import { appendChannelLog, type NewChannelLogEntry } from './channel-log';
import { channelQrView } from './channel-qr-view';
import {
	channelStatusMessage,
	decideProviderTransition,
	isSendableStatus,
	type ChannelStateSnapshot,
	type ChannelStatus,
	type ChannelStatusReason,
	type ProviderSignal,
} from './channel-status';
import { readChannelViews } from './channel-view';

export type ChannelEvent = Extract<ProviderEvent, { kind: 'connection' | 'qrcode' | 'qrcode.limit' }>;
/** What a channel change announces (stamped with `at` by whoever publishes it after the commit). */
export type ChannelRealtimeEvent = Omit<RealtimeEvent, 'at'>;

interface SnapshotRow {
	status: ChannelStatus;
	qrCode: string | null;
	providerEventAt: Date | null;
	providerOpenAt: Date | null;
	providerLogoutAt: Date | null;
}

function toSignal(event: ChannelEvent): ProviderSignal {
	if (event.kind === 'qrcode') return { kind: 'qr', at: event.at };
	if (event.kind === 'qrcode.limit') return { kind: 'refused', at: event.at };
	if (event.state === 'open') return { kind: 'open', at: event.at };
	if (event.state === 'connecting') return { kind: 'connecting', at: event.at };
	if (event.state === 'refused') return { kind: 'refused', at: event.at };
	return { kind: 'close', code: event.statusReason, at: event.at };
}

/**
 * Applies one provider connection / QR event to the channel row in the caller's transaction (the row is locked, so
 * concurrent deliveries for one channel decide one after the other), logs a state change and answers what to
 * publish: `channel.updated` (the API view) on a change of state, `channel.qr` for a new QR, `channel.log` for the
 * log line. An event the state machine ignores (a late QR, a logout's second delivery, Evolution's reconnect loop)
 * changes nothing and announces nothing.
 */
export async function applyChannelEvent(tx: Tx, workspaceId: string, channelId: string, event: ChannelEvent): Promise<ChannelRealtimeEvent[]> {
	const { rows } = await tx.query<SnapshotRow>(
		`SELECT status, qr_code AS "qrCode", provider_event_at AS "providerEventAt", provider_open_at AS "providerOpenAt", provider_logout_at AS "providerLogoutAt"
		 FROM whatsapp_channels WHERE workspace_id = $1 AND id = $2 FOR UPDATE`,
		[workspaceId, channelId],
	);
	if (!rows[0]) return [];
	const before: ChannelStateSnapshot = rows[0];
	const signal = toSignal(event);
	const at = signal.at ?? null;
	const decision = decideProviderTransition(before, signal);
	// The QR the refresh job already fetched from Evolution, delivered again by its webhook: nothing new.
	if (decision.apply && decision.qr && decision.status === before.status && event.kind === 'qrcode' && event.code && event.code === rows[0].qrCode) return [];
	if (!decision.apply) {
		if (decision.logout && at)
			await tx.query(
				`UPDATE whatsapp_channels SET provider_logout_at = GREATEST(provider_logout_at, $3::timestamptz), last_event_at = now() WHERE workspace_id = $1 AND id = $2`,
				[workspaceId, channelId, at],
			);
		return [];
	}

	const changed = decision.status !== before.status;
	const connection = event.kind === 'connection' ? event : undefined;
	const qr = event.kind === 'qrcode' && decision.qr ? event : undefined;
	const code = connection && connection.state !== 'open' && connection.state !== 'connecting' ? connection.statusReason ?? null : null;
	await tx.query(
		`UPDATE whatsapp_channels SET
			status = $3,
			status_reason = CASE WHEN $4::text IS NOT NULL THEN $4 WHEN $5::boolean THEN NULL ELSE status_reason END,
			status_detail = CASE WHEN $5::boolean THEN NULL ELSE status_detail END,
			status_code = CASE WHEN $6::int IS NOT NULL THEN $6 WHEN $3 = 'connected' THEN NULL ELSE status_code END,
			status_changed_at = CASE WHEN $5::boolean THEN now() ELSE status_changed_at END,
			provider_event_at = CASE WHEN $7::timestamptz IS NULL THEN provider_event_at ELSE GREATEST(provider_event_at, $7::timestamptz) END,
			provider_open_at = CASE WHEN $8::boolean AND $7::timestamptz IS NOT NULL THEN GREATEST(provider_open_at, $7::timestamptz) ELSE provider_open_at END,
			provider_logout_at = CASE WHEN $9::boolean AND $7::timestamptz IS NOT NULL THEN GREATEST(provider_logout_at, $7::timestamptz) ELSE provider_logout_at END,
			wa_jid = COALESCE($10, wa_jid),
			phone_e164 = COALESCE($11, phone_e164),
			profile_name = COALESCE($12, profile_name),
			profile_picture_url = CASE WHEN $8::boolean THEN $13 ELSE profile_picture_url END,
			connected_at = CASE WHEN $3 = 'connected' AND $5::boolean THEN now() ELSE connected_at END,
			disconnected_at = CASE WHEN $5::boolean AND status = 'connected' THEN now() ELSE disconnected_at END,
			health_failures = CASE WHEN $3 = 'connected' THEN 0 ELSE health_failures END,
			qr_code = CASE WHEN $14::boolean THEN $15 WHEN $3 <> 'connecting' THEN NULL ELSE qr_code END,
			qr_image = CASE WHEN $14::boolean THEN $16 WHEN $3 <> 'connecting' THEN NULL ELSE qr_image END,
			pairing_code = CASE WHEN $14::boolean THEN $17 WHEN $3 <> 'connecting' THEN NULL ELSE pairing_code END,
			qr_count = CASE WHEN $14::boolean THEN qr_count + 1 WHEN $3 <> 'connecting' THEN 0 ELSE qr_count END,
			qr_updated_at = CASE WHEN $14::boolean THEN now() ELSE qr_updated_at END,
			-- A QR the server did not ask for (someone connected the instance elsewhere) opens the window here.
			qr_started_at = CASE WHEN $14::boolean AND status <> 'connecting' THEN now() WHEN $3 <> 'connecting' THEN NULL ELSE qr_started_at END,
			qr_expires_at = CASE WHEN $14::boolean AND status <> 'connecting' THEN now() + make_interval(secs => $18::float8) WHEN $3 <> 'connecting' THEN NULL ELSE qr_expires_at END,
			last_event_at = now(), updated_at = now()
		 WHERE workspace_id = $1 AND id = $2`,
		[
			workspaceId,
			channelId,
			decision.status,
			changed ? decision.reason : null,
			changed,
			code,
			at,
			!!decision.open,
			!!decision.logout,
			connection?.wuid ?? null,
			connection?.wuid ? canonicalPhone(jidUser(connection.wuid)) ?? null : null,
			decision.open ? connection?.profileName ?? null : null,
			connection?.profilePictureUrl ?? null,
			!!qr,
			qr?.code ?? null,
			qr?.image ?? null,
			qr?.pairingCode ?? null,
			DEFAULT_QR_WINDOW_SECONDS,
		],
	);

	const events: ChannelRealtimeEvent[] = [];
	if (changed) {
		events.push(
			...(await recordStateChange(tx, workspaceId, channelId, {
				status: decision.status,
				reason: decision.reason,
				details: { from: before.status, event: event.kind === 'connection' ? `connection ${event.state}` : event.kind, ...(code ? { code } : {}) },
			})),
		);
	}
	if (qr) {
		const view = await channelQrView(tx, workspaceId, channelId);
		if (view) events.push({ channelId, type: 'channel.qr', data: { ...view } });
	}
	return events;
}

// Ingest's fallback when a QR opens the window by itself; the QR job (channel-qr-jobs.ts) sets the configured one.
const DEFAULT_QR_WINDOW_SECONDS = 180;

/**
 * Logs a state change that was just written and answers its realtime events: the channel's API view
 * (`channel.updated`) and the log line (`channel.log`).
 */
export async function recordStateChange(
	db: Queryable,
	workspaceId: string,
	channelId: string,
	change: { status: ChannelStatus; reason: ChannelStatusReason | null; detail?: string; details?: Record<string, unknown> },
): Promise<ChannelRealtimeEvent[]> {
	const message = channelStatusMessage(change.reason)?.en ?? change.status;
	const entry = await appendChannelLog(db, workspaceId, channelId, {
		kind: 'state',
		status: change.status,
		reason: change.reason,
		message: change.detail ? `${message}: ${change.detail}` : message,
		details: change.details,
	});
	const [view] = await readChannelViews(db, workspaceId, channelId);
	return [
		...(view ? [{ channelId, type: 'channel.updated' as const, data: { ...view } }] : []),
		{ channelId, type: 'channel.log', data: { ...entry } },
	];
}

/**
 * A state change the server itself decides (QR expiry, the health monitor, an admin's action): compare-and-set
 * from the states in `from` (any when absent), logged and answered as realtime events. No change, no events.
 */
export async function setChannelStatus(
	db: Queryable,
	workspaceId: string,
	channelId: string,
	change: { status: ChannelStatus; reason: ChannelStatusReason; detail?: string; from?: ChannelStatus[]; details?: Record<string, unknown> },
): Promise<{ changed: boolean; events: ChannelRealtimeEvent[] }> {
	const { rows } = await db.query<{ before: ChannelStatus }>(
		`UPDATE whatsapp_channels c SET status = $3, status_reason = $4, status_detail = $5, status_changed_at = now(), updated_at = now(),
			disconnected_at = CASE WHEN old.status = 'connected' AND $3 <> 'connected' THEN now() ELSE c.disconnected_at END,
			connected_at = CASE WHEN $3 = 'connected' AND old.status <> 'connected' THEN now() ELSE c.connected_at END,
			health_failures = CASE WHEN $3 = 'connected' THEN 0 ELSE c.health_failures END,
			qr_code = CASE WHEN $3 <> 'connecting' THEN NULL ELSE c.qr_code END,
			qr_image = CASE WHEN $3 <> 'connecting' THEN NULL ELSE c.qr_image END,
			pairing_code = CASE WHEN $3 <> 'connecting' THEN NULL ELSE c.pairing_code END,
			qr_expires_at = CASE WHEN $3 <> 'connecting' THEN NULL ELSE c.qr_expires_at END
		 FROM (SELECT id, status FROM whatsapp_channels WHERE workspace_id = $1 AND id = $2 FOR UPDATE) old
		 WHERE c.id = old.id AND ($6::text[] IS NULL OR old.status = ANY($6::text[])) AND (old.status <> $3 OR c.status_reason IS DISTINCT FROM $4)
		 RETURNING old.status AS before`,
		[workspaceId, channelId, change.status, change.reason, change.detail ?? null, change.from ?? null],
	);
	if (!rows[0]) return { changed: false, events: [] };
	const events = await recordStateChange(db, workspaceId, channelId, {
		status: change.status,
		reason: change.reason,
		detail: change.detail,
		details: { from: rows[0].before, ...change.details },
	});
	return { changed: true, events };
}

/** Appends a step (or alert / error) to the channel's log and answers its realtime event. */
export async function logChannelStep(db: Queryable, workspaceId: string, channelId: string, entry: NewChannelLogEntry): Promise<ChannelRealtimeEvent[]> {
	const line = await appendChannelLog(db, workspaceId, channelId, entry);
	return [{ channelId, type: 'channel.log', data: { ...line } }];
}

/** For the outbox: may this channel send right now? (Only `connected`; anything else holds the queue.) */
export async function isChannelSendable(db: Queryable, workspaceId: string, channelId: string): Promise<boolean> {
	const { rows } = await db.query<{ status: string }>('SELECT status FROM whatsapp_channels WHERE workspace_id = $1 AND id = $2', [workspaceId, channelId]);
	return !!rows[0] && isSendableStatus(rows[0].status);
}
