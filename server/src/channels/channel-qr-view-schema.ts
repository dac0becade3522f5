import { z } from 'zod/v4';
import { CHANNEL_STATUSES } from './channel-status';

/**
 * The QR a person scans (channel-qr-view.ts selects it): GET /api/v1/channels/{id}/qr and POST …/connect answer it.
 * The schema documents the answers in OpenAPI, from which the web app's types are generated; a strict object, so a
 * test parsing a real answer with it fails when the view gains or renames a field the schema does not have.
 */
export const channelQrViewSchema = z.strictObject({
	channelId: z.uuid(),
	status: z.enum(CHANNEL_STATUSES),
	code: z.string().nullable().describe('The raw QR payload ("2@…"); qr.png and qr.svg are drawn from it'),
	pairingCode: z.string().nullable().describe('8 characters to type on the phone instead of scanning, when pairing by phone number was asked for'),
	image: z.string().nullable().describe('The QR as a PNG data URL'),
	count: z.number().int().describe('How many QRs this pairing has shown so far'),
	refreshedAt: z.string().nullable(),
	expiresAt: z.string().nullable().describe('When the pairing window closes and the channel becomes expired'),
});
