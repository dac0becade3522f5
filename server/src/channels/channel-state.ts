import { canonicalPhone } from '../contacts/phone-number';
import { jidUser } from '../contacts/whatsapp-jid';
import type { Tx } from '../db/db';
import type { ProviderEvent } from '../providers/provider-events';

type ChannelEvent = Extract<ProviderEvent, { kind: 'connection' | 'qrcode' | 'qrcode.limit' }>;

// What may be shown about a channel: never the API key or the webhook secret.
const PUBLIC_COLUMNS = 'id, workspace_id, name, provider, instance_name, status, status_reason, phone_e164, wa_jid, profile_name, profile_picture_url, qr_count, qr_updated_at, connected_at, disconnected_at';

/** Applies a connection / QR event to the channel row; returns its public state for realtime. */
export async function applyChannelEvent(tx: Tx, workspaceId: string, channelId: string, event: ChannelEvent): Promise<Record<string, unknown> | undefined> {
	const ids = [workspaceId, channelId];
	if (event.kind === 'connection') {
		const open = event.state === 'open';
		const { rows } = await tx.query(
			`UPDATE whatsapp_channels SET status = $3, status_reason = $4, last_event_at = now(), updated_at = now(),
				wa_jid = COALESCE($5, wa_jid), phone_e164 = COALESCE($6, phone_e164), profile_name = COALESCE($7, profile_name),
				profile_picture_url = CASE WHEN $3 = 'open' THEN $8 ELSE profile_picture_url END,
				connected_at = CASE WHEN $3 = 'open' THEN now() ELSE connected_at END,
				disconnected_at = CASE WHEN $3 IN ('close', 'refused') THEN now() ELSE disconnected_at END,
				qr_code = CASE WHEN $3 = 'open' THEN NULL ELSE qr_code END, qr_image = CASE WHEN $3 = 'open' THEN NULL ELSE qr_image END,
				pairing_code = CASE WHEN $3 = 'open' THEN NULL ELSE pairing_code END, qr_count = CASE WHEN $3 = 'open' THEN 0 ELSE qr_count END
			 WHERE workspace_id = $1 AND id = $2 RETURNING ${PUBLIC_COLUMNS}`,
			[...ids, event.state, event.statusReason ?? null, event.wuid ?? null, event.wuid ? canonicalPhone(jidUser(event.wuid)) ?? null : null, open ? event.profileName ?? null : null, event.profilePictureUrl ?? null],
		);
		return rows[0];
	}
	if (event.kind === 'qrcode') {
		const { rows } = await tx.query(
			`UPDATE whatsapp_channels SET status = 'qr', qr_code = $3, qr_image = $4, pairing_code = $5, qr_count = qr_count + 1,
				qr_updated_at = now(), last_event_at = now(), updated_at = now()
			 WHERE workspace_id = $1 AND id = $2 RETURNING ${PUBLIC_COLUMNS}, qr_code, qr_image, pairing_code`,
			[...ids, event.code ?? null, event.image ?? null, event.pairingCode ?? null],
		);
		return rows[0];
	}
	const { rows } = await tx.query(
		`UPDATE whatsapp_channels SET status = 'refused', qr_code = NULL, qr_image = NULL, pairing_code = NULL, last_event_at = now(), updated_at = now()
		 WHERE workspace_id = $1 AND id = $2 RETURNING ${PUBLIC_COLUMNS}`,
		ids,
	);
	return rows[0];
}
