import type { z } from 'zod/v4';
import type { Queryable } from '../db/db';
import { isoTimestamp } from '../inbox/api/iso-timestamp';
import { channelStatusMessage, needsPairing } from './channel-status';
import type { channelViewSchema } from './channel-view-schema';

/** A channel as the API and realtime show it, never its secrets; its fields are documented in channel-view-schema.ts. */
export type ChannelView = z.infer<typeof channelViewSchema>;

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
