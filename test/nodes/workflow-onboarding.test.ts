import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import jsQR from 'jsqr';
import { PNG } from 'pngjs';

import { parseMultipart, startEvolutionSandbox, type EvolutionSandbox } from '../support/evolution-sandbox';
import { PACKAGE_ROOT, runWorkflow, type WorkflowDefinition } from '../support/n8n-harness';

const WORKFLOW = join(PACKAGE_ROOT, 'workflows/qr-onboarding-and-send-everything.json');
const CUSTOMER = '5511988887777';

let sandbox: EvolutionSandbox;
let files: Server;
let filesUrl: string;

beforeAll(async () => {
	sandbox = await startEvolutionSandbox();
	files = createServer((request, response) => {
		const type = request.url?.endsWith('.pdf') ? 'application/pdf' : request.url?.endsWith('.ogg') ? 'audio/ogg' : 'image/webp';
		response.writeHead(200, { 'content-type': type });
		response.end(Buffer.from(`fixture for ${request.url}`));
	});
	await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
	filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
});
afterAll(async () => {
	await new Promise<void>((resolve) => files.close(() => resolve()));
	await sandbox.close();
});

it('creates an instance, shows the QR, waits for the scan and sends every message type', async () => {
	const workflow = JSON.parse(readFileSync(WORKFLOW, 'utf8')) as WorkflowDefinition;

	// The phone: scans as soon as the workflow has shown a QR code.
	const phone = (async () => {
		while (sandbox.requestsTo('/instance/connect/onboarding').length === 0) await new Promise((resolve) => setImmediate(resolve));
		const scan = await sandbox.call('POST', '/_sandbox/instances/onboarding/scan', { number: '5511999990000' });
		expect(scan.status).toBe(200);
	})();

	const result = await runWorkflow(workflow, {
		credentials: { evolutionApi: { baseUrl: sandbox.url, apiKey: sandbox.apiKey, defaultInstance: '' } },
		startItems: [
			{
				json: {
					instanceName: 'onboarding',
					to: CUSTOMER,
					intervalSeconds: 0.1,
					timeoutSeconds: 30,
					documentUrl: `${filesUrl}/welcome.pdf`,
					audioUrl: `${filesUrl}/hello.ogg`,
					stickerUrl: `${filesUrl}/thanks.webp`,
				},
			},
		],
	});
	await phone;
	expect(result.error()).toBeUndefined();

	// The QR the workflow showed is a real PNG of the code Evolution returned.
	const [qrItem] = result.output('Show QR Code');
	const png = PNG.sync.read(Buffer.from(qrItem.binary!.data.data, 'base64'));
	expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe(qrItem.json.code);
	expect(result.output('Wait for Scan')[0].json).toMatchObject({ state: 'open', connected: true });

	const sent = (node: string) => result.output(node)[0].json;
	expect(sent('Send QR Image')).toMatchObject({ messageType: 'imageMessage' });
	expect(sent('Send Text')).toMatchObject({ messageType: 'conversation' });
	expect(sent('Send Document')).toMatchObject({ messageType: 'documentMessage' });
	expect(sent('Send Voice Note')).toMatchObject({ messageType: 'audioMessage' });
	expect(sent('Send Sticker')).toMatchObject({ messageType: 'stickerMessage' });
	expect(sent('React to Text')).toMatchObject({ messageType: 'reactionMessage' });
	expect(sent('Send Location')).toMatchObject({ messageType: 'locationMessage' });
	expect(sent('Send Contact')).toMatchObject({ messageType: 'contactMessage' });
	expect(String(sent('Send Poll').messageType)).toMatch(/^pollCreationMessage/);
	expect(sent('Delete QR Image')).toMatchObject({ deleted: true });

	// The QR image went up as a multipart file, the same bytes the workflow showed.
	const upload = sandbox.requestsTo('/message/sendMedia/onboarding')[0];
	const file = parseMultipart(upload).find((part) => part.name === 'file');
	expect(file?.data.equals(Buffer.from(qrItem.binary!.data.data, 'base64'))).toBe(true);

	// Every send went to the customer as Evolution 2.3.7 expects it.
	const sends = sandbox.requests.filter((request) => request.path.startsWith('/message/') || request.path.startsWith('/chat/'));
	expect(sends.map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([
		'POST /message/sendMedia/onboarding 201',
		'POST /message/sendText/onboarding 201',
		'POST /message/sendMedia/onboarding 201',
		'POST /message/sendWhatsAppAudio/onboarding 201',
		'POST /message/sendSticker/onboarding 201',
		'POST /message/sendReaction/onboarding 201',
		'POST /message/sendLocation/onboarding 201',
		'POST /message/sendContact/onboarding 201',
		'POST /message/sendPoll/onboarding 201',
		expect.stringMatching(/^POST \/chat\/updateMessage\/onboarding 20\d$/),
		expect.stringMatching(/^DELETE \/chat\/deleteMessageForEveryone\/onboarding 20\d$/),
	]);
});
