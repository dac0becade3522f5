import type { Queryable } from '../db/db';
import { isoTimestamp } from '../inbox/api/iso-timestamp';
import { channelStatusMessage, needsPairing, type ChannelStatus } from './channel-status';

/**
 * A channel as the API and realtime show it: whether it has an API key, never the key, the instance token or the
 * webhook secret. `status` is the lifecycle state (channel-status.ts); `statusReason` says why, so a logged-out
 * number (needs a new QR) is told apart from a dropped connection.
 */
export interface ChannelView {
	id: string;
	name: string;
	provider: 'evolution' | 'waha';
	instanceName: string;
	baseUrl: string;
	hasApiKey: boolean;
	status: ChannelStatus;
	statusReason: string | null;
	/** The reason as a sentence, pt-BR and English. */
	statusMessage: { 'pt-BR': string; en: string } | null;
	/** What the provider said, when it said something more (an Evolution error, a WhatsApp code). */
	statusDetail: string | null;
	/** WhatsApp's code for the last close (401 logged out, 403 forbidden, 428…). */
	statusCode: number | null;
	statusChangedAt: string | null;
	/** Someone has to scan a QR (or type a pairing code) before the channel works again. */
	needsPairing: boolean;
	/** True when the server created the Evolution instance (removing the channel deletes it unless asked to detach). */
	instanceOwned: boolean;
	phoneE164: string | null;
	waJid: string | null;
	profileName: string | null;
	profilePictureUrl: string | null;
	webhookPath: string;
	settings: Record<string, unknown>;
	connectedAt: string | null;
	disconnectedAt: string | null;
	lastEventAt: string | null;
	healthFailures: number;
	healthCheckedAt: string | null;
	/** The outbox holding this channel's messages (breaker_open: all; proactive_paused: proactive sends), and why. */
	outboxPausedReason: string | null;
	outboxPausedDetail: string | null;
	createdAt: string;
	updatedAt: string;
}

export const CHANNEL_VIEW_COLUMNS = `id, name, provider, instance_name AS "instanceName", base_url AS "baseUrl", api_key_encrypted IS NOT NULL AS "hasApiKey",
	status, status_reason AS "statusReason", status_detail AS "statusDetail", status_code AS "statusCode",
	${isoTimestamp('status_changed_at')} AS "statusChangedAt", instance_owned AS "instanceOwned",
	phone_e164 AS "phoneE164", wa_jid AS "waJid", profile_name AS "profileName", profile_picture_url AS "profilePictureUrl",
	'/webhooks/' || provider || '/' || id AS "webhookPath", settings,
	${isoTimestamp('connected_at')} AS "connectedAt", ${isoTimestamp('disconnected_at')} AS "disconnectedAt", ${isoTimestamp('last_event_at')} AS "lastEventAt",
	health_failures AS "healthFailures", ${isoTimestamp('health_checked_at')} AS "healthCheckedAt",
	outbox_paused_reason AS "outboxPausedReason", outbox_paused_detail AS "outboxPausedDetail",
	${isoTimestamp('created_at')} AS "createdAt", ${isoTimestamp('updated_at')} AS "updatedAt"`;

type ChannelRow = Omit<ChannelView, 'statusMessage' | 'needsPairing'>;

/** Adds what is derived from the state (the sentence, needsPairing) to a row selected with CHANNEL_VIEW_COLUMNS. */
export function toChannelView(row: ChannelRow): ChannelView {
	return { ...row, statusMessage: channelStatusMessage(row.statusReason), needsPairing: needsPairing(row.status) };
}

export async function readChannelViews(db: Queryable, workspaceId: string, channelId?: string): Promise<ChannelView[]> {
	const { rows } = await db.query<ChannelRow>(
		`SELECT ${CHANNEL_VIEW_COLUMNS} FROM whatsapp_channels WHERE workspace_id = $1 AND ($2::uuid IS NULL OR id = $2::uuid) ORDER BY name, id`,
		[workspaceId, channelId ?? null],
	);
	return rows.map(toChannelView);
}
