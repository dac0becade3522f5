import QRCode from 'qrcode';
import type { Queryable } from '../db/db';
import { isoTimestamp } from '../inbox/api/iso-timestamp';

/** The QR a person scans (GET /api/v1/channels/:id/qr and the `channel.qr` event). */
export interface ChannelQrView {
	channelId: string;
	status: string;
	/** The raw QR payload ("2@…"); qr.png and qr.svg are drawn from it. */
	code: string | null;
	/** 8 characters to type on the phone instead of scanning, when pairing by phone number was asked for. */
	pairingCode: string | null;
	/** PNG data URL of `code`. */
	image: string | null;
	/** How many QRs this pairing has shown so far. */
	count: number;
	refreshedAt: string | null;
	/** When the pairing window closes and the channel becomes `expired`. */
	expiresAt: string | null;
}

export async function channelQrView(db: Queryable, workspaceId: string, channelId: string): Promise<ChannelQrView | undefined> {
	const { rows } = await db.query<ChannelQrView & { storedImage: string | null }>(
		`SELECT id AS "channelId", status, qr_code AS code, pairing_code AS "pairingCode", qr_image AS "storedImage", qr_count AS count,
			${isoTimestamp('qr_updated_at')} AS "refreshedAt", ${isoTimestamp('qr_expires_at')} AS "expiresAt"
		 FROM whatsapp_channels WHERE workspace_id = $1 AND id = $2`,
		[workspaceId, channelId],
	);
	const row = rows[0];
	if (!row) return undefined;
	const { storedImage, ...view } = row;
	// Evolution's own PNG when it sent one (CONTRACT §2.1: a data URL); drawn here otherwise.
	const image = view.code ? (storedImage?.startsWith('data:image/png;base64,') ? storedImage : await QRCode.toDataURL(view.code, { margin: 2 })) : null;
	return { ...view, image };
}

export function qrPng(code: string): Promise<Buffer> {
	return QRCode.toBuffer(code, { type: 'png', margin: 2, scale: 6 });
}

export function qrSvg(code: string): Promise<string> {
	return QRCode.toString(code, { type: 'svg', margin: 2 });
}
