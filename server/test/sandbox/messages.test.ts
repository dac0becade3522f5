/** Sends: validation messages, media by URL / base64 / multipart retrievable via getBase64FromMediaMessage, receipts, delay and presence. */
import { SandboxClient } from './support/sandbox-client';
import { WebhookReceiver } from './support/webhook-receiver';

const MARIA = '5511988887777';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n%%EOF\n');

describe('sandbox messages', () => {
	let sandbox: SandboxClient;
	let receiver: WebhookReceiver;
	beforeAll(async () => {
		receiver = await new WebhookReceiver().start();
		receiver.files.set('/media/catalog.pdf', { data: PDF, contentType: 'application/pdf' });
		sandbox = await SandboxClient.start({ maxSendDelayMs: 10000 });
		await sandbox.openInstance('msg', { url: `${receiver.url}/msg`, events: [], base64: true });
	});
	afterAll(async () => {
		await sandbox.close();
		await receiver.close();
	});

	const base64Of = async (id: string) => (await sandbox.post('/chat/getBase64FromMediaMessage/msg', { message: { key: { id } } })).body;

	it('answers 201 with messageRaw (PENDING, Você, web, 3EB0 + 18 hex) and emits send.message then receipts', async () => {
		const sent = await sandbox.post('/message/sendText/msg', { number: MARIA, text: 'Olá' });
		expect(sent.status).toBe(201);
		expect(sent.body).toMatchObject({ pushName: 'Você', status: 'PENDING', source: 'web', messageType: 'conversation', message: { conversation: 'Olá' } });
		expect(sent.body.key).toEqual({ remoteJid: `${MARIA}@s.whatsapp.net`, fromMe: true, id: expect.stringMatching(/^3EB0[0-9A-F]{18}$/) });
		const id = sent.body.key.id;
		await receiver.waitForEvent('messages.update', 3, (hook) => hook.body.data.keyId === id);
		const statuses = receiver.events('messages.update').filter((hook) => hook.body.data.keyId === id).map((hook) => hook.body.data.status);
		expect(statuses.sort()).toEqual(['DELIVERY_ACK', 'READ', 'SERVER_ACK']);
		const [sendMessage] = receiver.events('send.message').filter((hook) => hook.body.data.key.id === id);
		expect(sendMessage.body.data).toEqual(sent.body);
		expect(receiver.events('messages.upsert').filter((hook) => hook.body.data.key.id === id)).toEqual([]);
	});

	it('rejects invalid sends with Evolution messages', async () => {
		const expectMessage = async (path: string, body: unknown, message: unknown) => {
			const response = await sandbox.post(`/message/${path}/msg`, body);
			expect(response.status).toBe(400);
			expect(response.body).toEqual({ status: 400, error: 'Bad Request', response: { message } });
		};
		await expectMessage('sendText', { number: MARIA }, [['instance requires property "text"']]);
		await expectMessage('sendText', { number: MARIA, text: '   ' }, ['Text is required']);
		await expectMessage('sendText', { number: 5511, text: 'x' }, [['Invalid format']]);
		await expectMessage('sendText', { number: MARIA, text: 'x', delay: 'soon' }, [['Enter a value in milliseconds']]);
		await expectMessage('sendMedia', { number: MARIA, mediatype: 'document', media: PDF.toString('base64') }, ['For base64 the file name must be informed.']);
		await expectMessage('sendMedia', { number: MARIA, mediatype: 'image', media: 'not media!' }, ['Owned media must be a url or base64']);
		await expectMessage('sendMedia', { number: MARIA, mediatype: 'gif', media: 'x' }, [['mediatype is not one of enum values: image,document,video,audio']]);
		await expectMessage('sendReaction', { key: { id: 'X', remoteJid: MARIA, fromMe: false }, reaction: 'ok' }, ['Reaction must be a single emoji or empty string']);
		await expectMessage('sendPoll', { number: MARIA, name: 'q', selectableCount: 1, values: ['a'] }, [['values does not meet minimum length of 2']]);
		await expectMessage('sendText', { number: '5511944440000', text: 'x' }, [{ jid: '5511944440000@s.whatsapp.net', exists: false, number: '5511944440000' }]);
		expect((await sandbox.post('/message/sendReaction/msg', { key: { id: 'X', remoteJid: MARIA, fromMe: false }, reaction: '' })).status).toBe(201);
		expect((await sandbox.post('/message/sendReaction/msg', { key: { id: 'X', remoteJid: MARIA, fromMe: false }, reaction: '👍🏽' })).status).toBe(201);
	});

	it('uses the control API not-on-WhatsApp set', async () => {
		await sandbox.post('/_sandbox/numbers/not-on-whatsapp', { numbers: ['5511933332222'] });
		const numbers = await sandbox.post('/chat/whatsappNumbers/msg', { numbers: ['5511933332222', MARIA] });
		expect(numbers.body.map((entry: { exists: boolean }) => entry.exists)).toEqual([false, true]);
		expect((await sandbox.post('/message/sendText/msg', { number: '5511933332222', text: 'x' })).status).toBe(400);
		await sandbox.post('/_sandbox/numbers/on-whatsapp', { numbers: ['5511933332222'] });
		expect((await sandbox.post('/message/sendText/msg', { number: '5511933332222', text: 'x' })).status).toBe(201);
	});

	it('stores media sent by URL, by base64 and by multipart file for getBase64FromMediaMessage', async () => {
		const byUrl = await sandbox.post('/message/sendMedia/msg', { number: MARIA, mediatype: 'document', media: `${receiver.url}/media/catalog.pdf`, fileName: 'catalog.pdf' });
		expect(byUrl.status).toBe(201);
		expect(byUrl.body.message.documentMessage).toMatchObject({ mimetype: 'application/pdf', fileName: 'catalog.pdf', fileLength: { low: PDF.length, high: 0, unsigned: true } });
		expect(Buffer.from((await base64Of(byUrl.body.key.id)).base64, 'base64')).toEqual(PDF);

		const image = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
		const byBase64 = await sandbox.post('/message/sendMedia/msg', { number: MARIA, mediatype: 'image', media: image.toString('base64'), caption: 'Foto' });
		const media = await base64Of(byBase64.body.key.id);
		expect(media).toMatchObject({ mediaType: 'imageMessage', caption: 'Foto', mimetype: 'image/jpeg', buffer: null, size: { width: 1, height: 1 } });
		expect(Buffer.from(media.base64, 'base64')).toEqual(image);
		const [sendHook] = await receiver.waitForEvent('send.message', 1, (hook) => hook.body.data.key.id === byBase64.body.key.id);
		expect(sendHook.body.data.message.base64).toBe(image.toString('base64'));

		const form = new FormData();
		form.append('number', MARIA);
		form.append('mediatype', 'document');
		form.append('fileName', 'upload.pdf');
		form.append('caption', 'Enviado como arquivo');
		form.append('file', new Blob([PDF], { type: 'application/pdf' }), 'upload.pdf');
		const multipart = await sandbox.request('POST', '/message/sendMedia/msg', form);
		expect(multipart.status).toBe(201);
		expect(multipart.body.message.documentMessage).toMatchObject({ fileName: 'upload.pdf', caption: 'Enviado como arquivo' });
		expect(Buffer.from((await base64Of(multipart.body.key.id)).base64, 'base64')).toEqual(PDF);

		const audioForm = new FormData();
		audioForm.append('number', MARIA);
		audioForm.append('file', new Blob([Buffer.from('OggS voice')], { type: 'audio/ogg' }), 'voice.ogg');
		const audio = await sandbox.request('POST', '/message/sendWhatsAppAudio/msg', audioForm);
		expect(audio.body.message.audioMessage).toMatchObject({ ptt: true, mimetype: 'audio/ogg; codecs=opus' });
		await receiver.waitForEvent('messages.update', 1, (hook) => hook.body.data.keyId === audio.body.key.id && hook.body.data.status === 'PLAYED');

		const missing = await sandbox.post('/chat/getBase64FromMediaMessage/msg', { message: { key: { id: 'NOPE' } } });
		expect(missing.body).toEqual({ status: 400, error: 'Bad Request', response: { message: ['Message not found'] } });
	});

	it('blocks for delay, subscribes to presence and reports the contact', async () => {
		const started = Date.now();
		const sent = await sandbox.post('/message/sendText/msg', { number: '5511922223333', text: 'Digitando…', delay: 300 });
		expect(sent.status).toBe(201);
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);
		const [presence] = await receiver.waitForEvent('presence.update', 1, (hook) => hook.body.data.id === '5511922223333@s.whatsapp.net');
		expect(presence.body.data.presences['5511922223333@s.whatsapp.net'].lastKnownPresence).toBe('available');
	});

	it('sends the other message types', async () => {
		const location = await sandbox.post('/message/sendLocation/msg', { number: MARIA, latitude: -23.5, longitude: -46.6, name: 'Loja', address: 'Rua A' });
		expect(location.body.message.locationMessage).toMatchObject({ degreesLatitude: -23.5, name: 'Loja' });
		const contact = await sandbox.post('/message/sendContact/msg', { number: MARIA, contact: [{ fullName: 'Ana', phoneNumber: '5511911112222' }] });
		expect(contact.body.messageType).toBe('contactMessage');
		const poll = await sandbox.post('/message/sendPoll/msg', { number: MARIA, name: 'Horário?', selectableCount: 1, values: ['10h', '15h'] });
		expect(poll.body.messageType).toBe('pollCreationMessageV3');
		const list = await sandbox.post('/message/sendList/msg', {
			number: MARIA,
			title: 'Menu',
			footerText: 'rodapé',
			buttonText: 'Abrir',
			sections: [{ title: 'S', rows: [{ title: 'A', rowId: 'a' }] }],
		});
		expect(list.body.messageType).toBe('listMessage');
		const sticker = await sandbox.post('/message/sendSticker/msg', { number: MARIA, sticker: Buffer.from('RIFF....WEBP').toString('base64') });
		expect(sticker.body.message.stickerMessage.mimetype).toBe('image/webp');
		const ptv = await sandbox.post('/message/sendPtv/msg', { number: MARIA, video: Buffer.from('video!').toString('base64') });
		expect(ptv.body.messageType).toBe('ptvMessage');
	});

	it('fails sends on an instance that never connected like Evolution (500, string message)', async () => {
		await sandbox.createInstance('never-connected');
		const response = await sandbox.post('/message/sendText/never-connected', { number: MARIA, text: 'x' });
		expect(response.body).toEqual({ status: 500, error: 'Internal Server Error', response: { message: "Cannot read properties of undefined (reading 'onWhatsApp')" } });
	});
});
