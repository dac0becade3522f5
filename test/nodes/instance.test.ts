 
import jsQR from 'jsqr';
import { PNG } from 'pngjs';

import { binaryBuffer, runEvolutionNode, type EvolutionCredentials } from '../support/n8n-harness';
import { startEvolutionSandbox, type EvolutionSandbox } from '../support/evolution-sandbox';

let sandbox: EvolutionSandbox;
let credentials: EvolutionCredentials;

beforeAll(async () => {
	sandbox = await startEvolutionSandbox();
	credentials = { baseUrl: `${sandbox.url}/`, apiKey: sandbox.apiKey };
});
afterAll(async () => sandbox.close());
beforeEach(() => sandbox.clearRequests());

const byName = (name: string) => ({ __rl: true, mode: 'name', value: name });

function decodeQr(png: Buffer): string | undefined {
	const image = PNG.sync.read(png);
	return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

describe('Instance resource against the sandbox', () => {
	it('creates an instance with webhook, settings and QR, and returns the QR as a PNG', async () => {
		const { items } = await runEvolutionNode(
			{
				resource: 'instance',
				operation: 'create',
				newInstanceName: 'shop-create',
				qrcode: true,
				webhook: {
					url: 'https://n8n.example.com/webhook/evolution',
					events: ['MESSAGES_UPSERT', 'CONNECTION_UPDATE'],
					byEvents: false,
					base64: true,
					headers: { values: [{ name: 'x-secret', value: 'dummy-secret' }] },
				},
				settings: { rejectCall: true, msgCall: 'Write please', groupsIgnore: true },
			},
			{ credentials },
		);
		const [request] = sandbox.requestsTo('/instance/create');
		expect(request.method).toBe('POST');
		expect(request.headers.apikey).toBe(sandbox.apiKey);
		expect(request.json).toEqual({
			instanceName: 'shop-create',
			integration: 'WHATSAPP-BAILEYS',
			qrcode: true,
			rejectCall: true,
			msgCall: 'Write please',
			groupsIgnore: true,
			webhook: {
				enabled: true,
				url: 'https://n8n.example.com/webhook/evolution',
				events: ['MESSAGES_UPSERT', 'CONNECTION_UPDATE'],
				byEvents: false,
				base64: true,
				headers: { 'x-secret': 'dummy-secret' },
			},
		});
		expect(request.status).toBe(201);
		expect(items).toHaveLength(1);
		expect(items[0].json.instance).toMatchObject({ instanceName: 'shop-create' });
		expect(typeof items[0].json.hash).toBe('string');
		const qr = items[0].json.qrcode as Record<string, unknown>;
		expect(qr.code).toEqual(expect.any(String));
		const png = await binaryBuffer(items[0]);
		expect(items[0].binary?.data.mimeType).toBe('image/png');
		expect(decodeQr(png)).toBe(qr.code);
	});

	it('connects: QR PNG that decodes to the code, plus a pairing code for ?number=', async () => {
		await sandbox.call('POST', '/instance/create', { instanceName: 'shop-connect', integration: 'WHATSAPP-BAILEYS' });
		const { items } = await runEvolutionNode(
			{
				resource: 'instance',
				operation: 'connect',
				instanceName: byName('shop-connect'),
				pairingNumber: '+55 (11) 98765-4321',
				binaryPropertyName: 'qr',
			},
			{ credentials },
		);
		const [request] = sandbox.requestsTo('/instance/connect/');
		expect(request.method).toBe('GET');
		expect(request.path).toBe('/instance/connect/shop-connect');
		expect(request.query.get('number')).toBe('5511987654321');
		const json = items[0].json;
		expect(json).toMatchObject({ instanceName: 'shop-connect', state: 'connecting', connected: false });
		expect(json.pairingCode).toMatch(/^[A-Z0-9]{8}$/);
		expect(items[0].binary?.qr.fileName).toBe('shop-connect-qrcode.png');
		expect(decodeQr(await binaryBuffer(items[0], 'qr'))).toBe(json.code);
	});
});
