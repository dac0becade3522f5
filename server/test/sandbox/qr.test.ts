/** QR codes: the PNG decodes to `code`, pairing codes, refresh with qrcode.updated, and the limit → refused flow. */
import jsQR from 'jsqr';
import { PNG } from 'pngjs';

import { SandboxClient } from './support/sandbox-client';
import { WebhookReceiver } from './support/webhook-receiver';

function decodeQr(dataUrl: string): string | undefined {
	expect(dataUrl.startsWith('data:image/png;base64,')).toBe(true);
	const png = PNG.sync.read(Buffer.from(dataUrl.slice('data:image/png;base64,'.length), 'base64'));
	return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

describe('sandbox QR codes', () => {
	let receiver: WebhookReceiver;
	beforeAll(async () => {
		receiver = await new WebhookReceiver().start();
	});
	afterAll(() => receiver.close());

	it('returns a PNG QR (margin 3, scale 4) that decodes to code, plus a pairing code with ?number=', async () => {
		const sandbox = await SandboxClient.start();
		try {
			await sandbox.createInstance('qr-png');
			const connect = await sandbox.get('/instance/connect/qr-png');
			expect(connect.status).toBe(200);
			expect(connect.body.count).toBe(1);
			expect(connect.body.pairingCode).toBeNull();
			expect(connect.body.code).toMatch(/^2@[^,]+,[^,]+,[^,]+,[^,]+$/);
			expect(decodeQr(connect.body.base64)).toBe(connect.body.code);
			const png = PNG.sync.read(Buffer.from(connect.body.base64.split(',')[1], 'base64'));
			// scale 4 and margin 3 modules: the side is 4 × (modules + 6).
			expect(png.width % 4).toBe(0);
			expect((png.width / 4 - 6 - 17) % 4).toBe(0);
			expect((await sandbox.get('/instance/connectionState/qr-png')).body.instance.state).toBe('connecting');
			// While connecting, connect returns the same QR without restarting.
			expect((await sandbox.get('/instance/connect/qr-png')).body.code).toBe(connect.body.code);

			await sandbox.createInstance('qr-pairing');
			const pairing = await sandbox.get('/instance/connect/qr-pairing?number=5511999990000');
			expect(pairing.body.pairingCode).toMatch(/^[1-9A-HJ-NP-TV-Z]{8}$/);
			// Typing the code on the phone: only a code it issued, only for that number; a QR pairing takes no code.
			const code: string = pairing.body.pairingCode;
			const wrong = code.startsWith('A') ? `B${code.slice(1)}` : `A${code.slice(1)}`;
			expect((await sandbox.post('/_sandbox/instances/qr-pairing/scan', { pairingCode: wrong })).status).toBe(400);
			expect((await sandbox.post('/_sandbox/instances/qr-pairing/scan', { pairingCode: code, number: '5511988887777' })).status).toBe(409);
			expect((await sandbox.post('/_sandbox/instances/qr-png/scan', { pairingCode: code })).status).toBe(409);
			const typed = await sandbox.post('/_sandbox/instances/qr-pairing/scan', { pairingCode: `${code.slice(0, 4)}-${code.slice(4).toLowerCase()}` });
			expect(typed.status).toBe(200);
			expect(typed.body).toEqual({ state: 'open', wuid: '5511999990000@s.whatsapp.net' });
		} finally {
			await sandbox.close();
		}
	});

	it('refreshes the QR on its interval and runs the refused flow at the limit', async () => {
		// A delivery that hangs on a loaded machine is given up after 2 s and sent again (not after Evolution's 30 s).
		const sandbox = await SandboxClient.start({ qrRefreshMs: 30, qrLimit: 3, webhookRetry: { initialDelayMs: 50, maxDelayMs: 200, timeoutMs: 2000 } });
		try {
			await sandbox.createInstance('qr-refresh', { url: `${receiver.url}/refresh`, events: ['QRCODE_UPDATED', 'CONNECTION_UPDATE'] });
			await sandbox.get('/instance/connect/qr-refresh');
			await receiver.waitFor((received) => received.some((hook) => hook.body.instance === 'qr-refresh' && hook.body.event === 'connection.update' && hook.body.data.state === 'refused'), 60_000);
			// A delivery answered late is retried byte for byte (as Evolution does): each one counts once.
			const deliveries = new Map(receiver.received.filter((hook) => hook.body.instance === 'qr-refresh').map((hook) => [hook.raw, hook.body]));
			const hooks = [...deliveries.values()];
			const qrs = hooks.filter((body) => body.event === 'qrcode.updated' && body.data.qrcode);
			expect(qrs).toHaveLength(3);
			expect(new Set(qrs.map((body) => body.data.qrcode.code)).size).toBe(3);
			for (const body of qrs) expect(decodeQr(body.data.qrcode.base64)).toBe(body.data.qrcode.code);
			const limit = hooks.find((body) => body.event === 'qrcode.updated' && body.data.message);
			expect(limit.data).toEqual({ message: 'QR code limit reached, please login again', statusCode: 500 });
			const refused = hooks.find((body) => body.event === 'connection.update' && body.data.state === 'refused');
			expect(refused.data).toEqual({ instance: 'qr-refresh', state: 'refused', statusReason: 428 });
			expect(refused).not.toHaveProperty('sender');
			expect((await sandbox.get('/instance/connectionState/qr-refresh')).body.instance.state).toBe('close');
			// A new connect starts counting again.
			expect((await sandbox.get('/instance/connect/qr-refresh')).body.count).toBe(1);
		} finally {
			await sandbox.close();
		}
	});

	it('opens on scan, then sends sender on every delivery; logout closes with 401', async () => {
		const sandbox = await SandboxClient.start();
		try {
			await sandbox.createInstance('qr-scan', { url: `${receiver.url}/scan`, events: [] });
			await sandbox.get('/instance/connect/qr-scan');
			const scan = await sandbox.post('/_sandbox/instances/qr-scan/scan', { number: '5511999990000', profileName: 'ACME Vendas' });
			expect(scan.body).toEqual({ state: 'open', wuid: '5511999990000@s.whatsapp.net' });
			const [open] = await receiver.waitForEvent('connection.update', 1, (hook) => hook.body.instance === 'qr-scan' && hook.body.data.state === 'open');
			expect(open.body.sender).toBe('5511999990000@s.whatsapp.net');
			expect(open.body.data).toMatchObject({ wuid: '5511999990000@s.whatsapp.net', profileName: 'ACME Vendas', statusReason: 200 });
			const connecting = receiver.received.find((hook) => hook.body.instance === 'qr-scan' && hook.body.data?.state === 'connecting');
			expect(connecting?.body).not.toHaveProperty('sender');
			expect((await sandbox.delete('/instance/logout/qr-scan')).status).toBe(200);
			await receiver.waitForEvent('logout.instance', 1, (hook) => hook.body.instance === 'qr-scan');
			const [close] = await receiver.waitForEvent('connection.update', 1, (hook) => hook.body.instance === 'qr-scan' && hook.body.data.state === 'close');
			expect(close.body.data.statusReason).toBe(401);
			const rows = (await sandbox.get('/instance/fetchInstances?instanceName=qr-scan')).body;
			expect(rows[0]).toMatchObject({ connectionStatus: 'close', disconnectionReasonCode: 401, ownerJid: '5511999990000@s.whatsapp.net' });
		} finally {
			await sandbox.close();
		}
	});
});
