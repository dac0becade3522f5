import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { parseMultipart, startEvolutionSandbox, type EvolutionSandbox } from '../support/evolution-sandbox';
import { runEvolutionNode, type EvolutionCredentials, type FixtureItem } from '../support/n8n-harness';

const INSTANCE = 'shop-messages';
const CUSTOMER = '5511988887777';
// A 1×1 PNG, a tiny PDF and a few bytes of "audio": the sandbox stores bytes, it does not decode them.
const PNG_BASE64 =
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
const PDF_BASE64 = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n').toString('base64');
const OGG_BASE64 = Buffer.from('OggS-not-really-opus').toString('base64');

let sandbox: EvolutionSandbox;
let credentials: EvolutionCredentials;
let files: Server;
let filesUrl: string;

beforeAll(async () => {
	sandbox = await startEvolutionSandbox();
	await sandbox.connectedInstance(INSTANCE);
	credentials = { baseUrl: sandbox.url, apiKey: sandbox.apiKey, defaultInstance: INSTANCE };
	// Media "on the internet" for the URL source.
	files = createServer((request, response) => {
		const type = request.url?.endsWith('.webp') ? 'image/webp' : request.url?.endsWith('.ogg') ? 'audio/ogg' : 'image/png';
		response.writeHead(200, { 'content-type': type });
		response.end(Buffer.from(PNG_BASE64, 'base64'));
	});
	await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
	filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
});
afterAll(async () => {
	await new Promise<void>((resolve) => files.close(() => resolve()));
	await sandbox.close();
});
beforeEach(() => sandbox.clearRequests());

const send = (operation: string, parameters: Record<string, unknown>, items?: FixtureItem[]) =>
	runEvolutionNode({ resource: 'message', operation, ...parameters }, { credentials, items });

function onlyRequest(path: string) {
	const requests = sandbox.requestsTo(path);
	expect(requests).toHaveLength(1);
	expect(requests[0].headers.apikey).toBe(sandbox.apiKey);
	return requests[0];
}

describe('Message resource against the sandbox', () => {
	it('sends text with typing delay, link preview off, mentions and a reply', async () => {
		const incoming = await sandbox.receive(INSTANCE, { from: CUSTOMER, text: 'Is it open today?' });
		const { items } = await send('sendText', {
			number: '+55 (11) 98888-7777',
			text: 'Yes, until 6pm',
			options: {
				delay: 50,
				linkPreview: false,
				mentioned: '+55 11 91234-5678, 5511900001111',
				replyTo: incoming.key.id,
			},
		});
		const request = onlyRequest(`/message/sendText/${INSTANCE}`);
		expect(request.method).toBe('POST');
		expect(request.json).toEqual({
			number: CUSTOMER,
			text: 'Yes, until 6pm',
			delay: 50,
			linkPreview: false,
			mentioned: ['5511912345678', '5511900001111'],
			quoted: { key: { id: incoming.key.id } },
		});
		expect(request.status).toBe(201);
		expect(items[0].json).toMatchObject({
			key: { remoteJid: `${CUSTOMER}@s.whatsapp.net`, fromMe: true },
			status: 'PENDING',
			messageType: 'conversation',
			message: { conversation: 'Yes, until 6pm' },
		});
		expect(items[0].json.contextInfo).toMatchObject({ stanzaId: incoming.key.id });
	});

	it('uploads an image from a binary field as multipart', async () => {
		const { items } = await send(
			'sendMedia',
			{ number: CUSTOMER, mediaType: 'auto', source: 'binary', binaryPropertyName: 'photo', options: { caption: 'Our menu' } },
			[{ json: {}, binary: { photo: { base64: PNG_BASE64, fileName: 'menu.png', mimeType: 'image/png' } } }],
		);
		const request = onlyRequest(`/message/sendMedia/${INSTANCE}`);
		expect(request.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
		const parts = parseMultipart(request);
		const fields = Object.fromEntries(parts.filter((part) => !part.fileName).map((part) => [part.name, part.data.toString()]));
		expect(fields).toEqual({ number: CUSTOMER, mediatype: 'image', mimetype: 'image/png', fileName: 'menu.png', caption: 'Our menu' });
		const file = parts.find((part) => part.name === 'file');
		expect(file).toMatchObject({ fileName: 'menu.png', contentType: 'image/png' });
		expect(file?.data.equals(Buffer.from(PNG_BASE64, 'base64'))).toBe(true);
		expect(request.status).toBe(201);
		expect(items[0].json).toMatchObject({ messageType: 'imageMessage', message: { imageMessage: { caption: 'Our menu' } } });
	});

	it('sends a document from a binary field as JSON base64 when a reply needs typed fields', async () => {
		const incoming = await sandbox.receive(INSTANCE, { from: CUSTOMER, text: 'Send the invoice' });
		await send(
			'sendMedia',
			{ number: CUSTOMER, mediaType: 'document', source: 'binary', binaryPropertyName: 'data', options: { replyTo: incoming.key.id } },
			[{ json: {}, binary: { data: { base64: PDF_BASE64, fileName: 'invoice.pdf', mimeType: 'application/pdf' } } }],
		);
		const request = onlyRequest(`/message/sendMedia/${INSTANCE}`);
		expect(request.json).toEqual({
			number: CUSTOMER,
			mediatype: 'document',
			mimetype: 'application/pdf',
			fileName: 'invoice.pdf',
			media: PDF_BASE64,
			quoted: { key: { id: incoming.key.id } },
		});
		expect(request.status).toBe(201);
	});

	it('sends a video from a URL', async () => {
		await send('sendMedia', { number: CUSTOMER, mediaType: 'video', source: 'url', url: `${filesUrl}/clip.mp4`, options: { caption: 'Tour' } });
		const request = onlyRequest(`/message/sendMedia/${INSTANCE}`);
		expect(request.json).toEqual({ number: CUSTOMER, mediatype: 'video', media: `${filesUrl}/clip.mp4`, caption: 'Tour' });
		expect(request.status).toBe(201);
	});

	it('sends a voice note from a binary field (multipart) and from a URL (JSON)', async () => {
		const fromBinary = await send('sendAudio', { number: CUSTOMER, source: 'binary', binaryPropertyName: 'data' }, [
			{ json: {}, binary: { data: { base64: OGG_BASE64, fileName: 'note.ogg', mimeType: 'audio/ogg' } } },
		]);
		const upload = onlyRequest(`/message/sendWhatsAppAudio/${INSTANCE}`);
		const parts = parseMultipart(upload);
		expect(parts.map((part) => part.name).sort()).toEqual(['file', 'number']);
		expect(parts.find((part) => part.name === 'file')?.data.toString()).toBe(Buffer.from(OGG_BASE64, 'base64').toString());
		expect(fromBinary.items[0].json).toMatchObject({ messageType: 'audioMessage', message: { audioMessage: { ptt: true } } });

		sandbox.clearRequests();
		await send('sendAudio', { number: CUSTOMER, source: 'url', url: `${filesUrl}/note.ogg`, options: { delay: 20, encoding: false } });
		expect(onlyRequest(`/message/sendWhatsAppAudio/${INSTANCE}`).json).toEqual({
			number: CUSTOMER,
			audio: `${filesUrl}/note.ogg`,
			delay: 20,
			encoding: false,
		});
	});

	it('sends a sticker from a binary field', async () => {
		const { items } = await send('sendSticker', { number: CUSTOMER, source: 'binary', binaryPropertyName: 'data' }, [
			{ json: {}, binary: { data: { base64: PNG_BASE64, fileName: 'smile.webp', mimeType: 'image/webp' } } },
		]);
		const parts = parseMultipart(onlyRequest(`/message/sendSticker/${INSTANCE}`));
		expect(parts.find((part) => part.name === 'file')).toMatchObject({ fileName: 'smile.webp', contentType: 'image/webp' });
		expect(items[0].json.messageType).toBe('stickerMessage');
	});

	it('adds and removes a reaction', async () => {
		const incoming = await sandbox.receive(INSTANCE, { from: CUSTOMER, text: 'Thanks!' });
		await send('sendReaction', { number: CUSTOMER, messageId: incoming.key.id, fromMe: false, reactionAction: 'add', reaction: '👍' });
		expect(onlyRequest(`/message/sendReaction/${INSTANCE}`).json).toEqual({
			key: { id: incoming.key.id, remoteJid: `${CUSTOMER}@s.whatsapp.net`, fromMe: false },
			reaction: '👍',
		});
		sandbox.clearRequests();
		const { items } = await send('sendReaction', { number: CUSTOMER, messageId: incoming.key.id, fromMe: false, reactionAction: 'remove' });
		expect((onlyRequest(`/message/sendReaction/${INSTANCE}`).json as { reaction: string }).reaction).toBe('');
		expect(items[0].json.messageType).toBe('reactionMessage');
	});

	it('sends a location with all five required fields', async () => {
		const { items } = await send('sendLocation', {
			number: CUSTOMER,
			latitude: -23.5613,
			longitude: -46.6565,
			locationName: 'Main Store',
			address: 'Av. Paulista, 1000',
		});
		expect(onlyRequest(`/message/sendLocation/${INSTANCE}`).json).toEqual({
			number: CUSTOMER,
			latitude: -23.5613,
			longitude: -46.6565,
			name: 'Main Store',
			address: 'Av. Paulista, 1000',
		});
		expect(items[0].json.messageType).toBe('locationMessage');
	});

	it('sends one contact as a card and several as a list', async () => {
		const one = await send('sendContact', {
			number: CUSTOMER,
			contacts: { values: [{ fullName: 'Ana Lima', phoneNumber: '+55 11 91234-5678', email: 'ana@example.com' }] },
		});
		expect(onlyRequest(`/message/sendContact/${INSTANCE}`).json).toEqual({
			number: CUSTOMER,
			contact: [{ fullName: 'Ana Lima', wuid: '5511912345678', phoneNumber: '+55 11 91234-5678', email: 'ana@example.com' }],
		});
		expect(one.items[0].json.messageType).toBe('contactMessage');
		sandbox.clearRequests();
		const many = await send('sendContact', {
			number: CUSTOMER,
			contacts: { values: [{ fullName: 'Ana Lima', phoneNumber: '5511912345678' }, { fullName: 'Bruno Dias', phoneNumber: '5511923456789' }] },
		});
		expect(many.items[0].json.messageType).toBe('contactsArrayMessage');
	});

	it('sends a poll', async () => {
		const { items } = await send('sendPoll', {
			number: CUSTOMER,
			question: 'Which time suits you?',
			pollOptions: ['10:00', '15:00', '10:00'],
			selectableCount: 1,
		});
		expect(onlyRequest(`/message/sendPoll/${INSTANCE}`).json).toEqual({
			number: CUSTOMER,
			name: 'Which time suits you?',
			selectableCount: 1,
			values: ['10:00', '15:00'],
		});
		expect(items[0].json.messageType).toMatch(/^pollCreationMessage/);
	});

	it('edits a sent message and deletes it for everyone', async () => {
		const sent = await send('sendText', { number: CUSTOMER, text: 'See you at 10' });
		const id = (sent.items[0].json.key as { id: string }).id;
		sandbox.clearRequests();

		await send('edit', { number: CUSTOMER, messageId: id, text: 'See you at 11' });
		const edit = onlyRequest(`/chat/updateMessage/${INSTANCE}`);
		expect(edit.json).toEqual({ number: CUSTOMER, key: { id, remoteJid: `${CUSTOMER}@s.whatsapp.net`, fromMe: true }, text: 'See you at 11' });
		expect(edit.status).toBeLessThan(300);

		const { items } = await send('deleteForEveryone', { number: CUSTOMER, messageId: id, fromMe: true });
		const removal = onlyRequest(`/chat/deleteMessageForEveryone/${INSTANCE}`);
		expect(removal.method).toBe('DELETE');
		expect(removal.json).toEqual({ id, remoteJid: `${CUSTOMER}@s.whatsapp.net`, fromMe: true });
		expect(items[0].json).toMatchObject({ deleted: true, id });
	});
});
