/**
 * Contract test: for every file in test/fixtures/evolution/payloads the sandbox produces the same
 * shape in the matching situation (response-* from the REST call, webhook-* from a delivery to a
 * loopback receiver, request-* accepted by its route); response-error-* bodies match verbatim.
 * The directory is enumerated, so a new payload file without a scenario fails the suite.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { API_KEY, SandboxClient } from './support/sandbox-client';
import { shapeDifferences } from './support/shape';
import { type ReceivedWebhook, WebhookReceiver } from './support/webhook-receiver';

const PAYLOADS = join(__dirname, '../../../test/fixtures/evolution/payloads');
const files = readdirSync(PAYLOADS).filter((file) => file.endsWith('.json')).sort();
const fixture = (file: string) => JSON.parse(readFileSync(join(PAYLOADS, file), 'utf8'));

const MARIA = '5511988887777';
const CARLOS = '5511955554444';
const JOAO = '5511977776666';
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/** Which delivery stands for a webhook-* file: its event and, when one event has variants, a predicate. */
const WEBHOOKS: Record<string, { instance?: string; event: string; where?: (hook: ReceivedWebhook) => boolean }> = {
	'webhook-chats.update.json': { event: 'chats.update' },
	'webhook-chats.upsert-new.json': { event: 'chats.upsert', where: (hook) => 'name' in hook.body.data[0] && 'remoteJid' in hook.body.data[0] },
	'webhook-chats.upsert.json': { event: 'chats.upsert', where: (hook) => hook.body.data[0].unreadMessages === 0 && !('name' in hook.body.data[0]) },
	'webhook-connection.update-close.json': { event: 'connection.update', where: (hook) => hook.body.data.state === 'close' },
	'webhook-connection.update-connecting.json': { event: 'connection.update', where: (hook) => hook.body.data.state === 'connecting' && 'sender' in hook.body },
	'webhook-connection.update-open.json': { event: 'connection.update', where: (hook) => hook.body.data.state === 'open' },
	'webhook-connection.update-refused.json': { event: 'connection.update', where: (hook) => hook.body.data.state === 'refused' },
	'webhook-contacts.update.json': { event: 'contacts.update', where: (hook) => !Array.isArray(hook.body.data) },
	'webhook-contacts.upsert-batch.json': { instance: 'history', event: 'contacts.upsert', where: (hook) => Array.isArray(hook.body.data) },
	'webhook-contacts.upsert.json': { event: 'contacts.upsert', where: (hook) => !Array.isArray(hook.body.data) },
	'webhook-group-participants.update.json': { event: 'group-participants.update' },
	'webhook-instance.create.json': { event: 'instance.create' },
	'webhook-instance.delete.json': { event: 'instance.delete' },
	'webhook-logout.instance.json': { event: 'logout.instance' },
	'webhook-messages.delete-via-api.json': { event: 'messages.delete', where: (hook) => 'messageType' in hook.body.data },
	'webhook-messages.delete.json': { event: 'messages.delete', where: (hook) => !('messageType' in hook.body.data) },
	'webhook-messages.edited-revoke.json': { event: 'messages.edited', where: (hook) => hook.body.data.type === 'REVOKE' },
	'webhook-messages.edited.json': { event: 'messages.edited', where: (hook) => hook.body.data.type === 'MESSAGE_EDIT' },
	'webhook-messages.set.json': { instance: 'history', event: 'messages.set' },
	'webhook-messages.update-delivery.json': { event: 'messages.update', where: (hook) => hook.body.data.status === 'DELIVERY_ACK' },
	'webhook-messages.update-played.json': { event: 'messages.update', where: (hook) => hook.body.data.status === 'PLAYED' },
	'webhook-messages.update-read.json': { event: 'messages.update', where: (hook) => hook.body.data.status === 'READ' },
	'webhook-messages.upsert-audio-ptt.json': { event: 'messages.upsert', where: (hook) => hook.body.data.messageType === 'audioMessage' },
	'webhook-messages.upsert-document-pdf.json': { event: 'messages.upsert', where: (hook) => hook.body.data.messageType === 'documentMessage' },
	'webhook-messages.upsert-fromme.json': { event: 'messages.upsert', where: (hook) => hook.body.data.key.fromMe === true },
	'webhook-messages.upsert-group.json': { event: 'messages.upsert', where: (hook) => hook.body.data.key.remoteJid.endsWith('@g.us') },
	'webhook-messages.upsert-image.json': { instance: 'media-b64', event: 'messages.upsert', where: (hook) => hook.body.data.messageType === 'imageMessage' },
	'webhook-messages.upsert-reaction.json': { event: 'messages.upsert', where: (hook) => hook.body.data.messageType === 'reactionMessage' },
	'webhook-messages.upsert-reply.json': { event: 'messages.upsert', where: (hook) => !!hook.body.data.contextInfo?.stanzaId },
	'webhook-messages.upsert-sticker.json': { event: 'messages.upsert', where: (hook) => hook.body.data.messageType === 'stickerMessage' },
	'webhook-messages.upsert-text-conversation.json': {
		event: 'messages.upsert',
		where: (hook) => hook.body.data.messageType === 'conversation' && !hook.body.data.contextInfo && !hook.body.data.key.fromMe && !hook.body.data.key.remoteJid.endsWith('@g.us'),
	},
	'webhook-messages.upsert-text-extended.json': { event: 'messages.upsert', where: (hook) => !!hook.body.data.contextInfo?.ephemeralSettingTimestamp },
	'webhook-presence.update-available.json': { event: 'presence.update', where: (hook) => presenceOf(hook) === 'available' },
	'webhook-presence.update-composing.json': { event: 'presence.update', where: (hook) => presenceOf(hook) === 'composing' },
	'webhook-presence.update-group-recording.json': { event: 'presence.update', where: (hook) => presenceOf(hook) === 'recording' && hook.body.data.id.endsWith('@g.us') },
	'webhook-presence.update-unavailable.json': { event: 'presence.update', where: (hook) => presenceOf(hook) === 'unavailable' },
	'webhook-qrcode.updated-limit-reached.json': { event: 'qrcode.updated', where: (hook) => 'message' in hook.body.data },
	'webhook-qrcode.updated-pairing.json': { event: 'qrcode.updated', where: (hook) => typeof hook.body.data.qrcode?.pairingCode === 'string' && 'sender' in hook.body },
	'webhook-qrcode.updated.json': { event: 'qrcode.updated', where: (hook) => hook.body.data.qrcode?.pairingCode === null && 'sender' in hook.body },
	'webhook-remove.instance.json': { event: 'remove.instance' },
	'webhook-send.message.json': { event: 'send.message', where: (hook) => hook.body.data.messageType === 'conversation' },
	'webhook-status.instance-closed.json': { event: 'status.instance' },
};

const presenceOf = (hook: ReceivedWebhook) => (Object.values(hook.body.data.presences)[0] as { lastKnownPresence: string }).lastKnownPresence;

/** `sender` cannot exist before any login: instance.create is always pre-login (CONTRACT §3.1 [run]). */
const OPTIONAL_KEYS: Record<string, string[]> = { 'webhook-instance.create.json': ['sender'] };

describe('Evolution 2.3.7 contract (payload fixtures)', () => {
	let sandbox: SandboxClient;
	let receiver: WebhookReceiver;
	/** response-* and request-* outcomes, keyed by file name. */
	const responses = new Map<string, { status: number; body: unknown }>();

	const record = (file: string, result: { status: number; body: unknown }) => responses.set(file, result);
	const hookFor = (instance: string) => ({ url: `${receiver.url}/${instance}`, events: [] as string[] });
	const waitHook = (instance: string, event: string, where: (hook: ReceivedWebhook) => boolean = () => true) =>
		receiver.waitForEvent(event, 1, (hook) => hook.body.instance === instance && where(hook));

	beforeAll(async () => {
		receiver = await new WebhookReceiver().start();
		receiver.files.set('/files/orcamento.pdf', { data: Buffer.from('%PDF-1.4\n%%EOF\n'), contentType: 'application/pdf' });
		sandbox = await SandboxClient.start({ qrLimit: 3, maxSendDelayMs: 20, serverUrl: 'https://evo.example.com' });
		const s = sandbox;

		// Before acme-sales exists.
		record('response-error-404-instance.json', await s.get('/instance/connectionState/acme-sales'));

		// Create it from the request fixture (webhook pointed at the receiver, all events).
		const createRequest = fixture('request-instance-create.json');
		// Only the destination, the filter (all events) and base64 (off: the media fixtures carry none) change.
		createRequest.webhook = { ...createRequest.webhook, ...hookFor('acme-sales'), base64: false };
		const created = await s.post('/instance/create', createRequest);
		record('request-instance-create.json', created);
		record('response-instance-create-qrcode.json', created);
		record('response-error-403-name-in-use.json', await s.post('/instance/create', createRequest, null));
		record('response-error-404-route.json', await s.post('/message/sendTxt/acme-sales', {}));
		record('response-instance-connect-pairing.json', await s.get('/instance/connect/acme-sales'));
		await s.post('/_sandbox/instances/acme-sales/scan', { number: '5511999990000', profileName: 'ACME Vendas' });
		record('response-instance-connect-already-open.json', await s.get('/instance/connect/acme-sales'));
		record('response-instance-connectionState.json', await s.get('/instance/connectionState/acme-sales'));
		record('response-instance-fetchInstances.json', await s.get('/instance/fetchInstances?instanceName=acme-sales'));

		// Our first message (with delay: subscribes to presence) and its receipts.
		const sendText = await s.post('/message/sendText/acme-sales', fixture('request-message-sendText.json'));
		record('request-message-sendText.json', sendText);
		record('response-message-sendText.json', sendText);
		const ourTextId = (sendText.body as { key: { id: string } }).key.id;
		record('response-error-400-number-not-on-whatsapp.json', await s.post('/message/sendText/acme-sales', { number: '5511900000000', text: 'oi' }));
		record('response-error-400-validation.json', await s.post('/message/sendText/acme-sales', { number: MARIA }));

		// The customer writes: new contact/chat, then known contact/chat, a reply, a reaction, media.
		const customer = (body: Record<string, unknown>, instance = 'acme-sales') => s.post(`/_sandbox/instances/${instance}/messages`, body);
		const first = await customer({ type: 'text', from: MARIA, text: 'Oi! Vocês entregam no sábado?' });
		const mariaTextId = (first.body as { message: { key: { id: string } } }).message.key.id;
		await customer({ type: 'extendedText', from: MARIA, source: 'android' });
		await customer({ type: 'text', from: MARIA, text: 'Pode ser às 15h então', replyTo: ourTextId });
		record('response-chat-findChats.json', await s.post('/chat/findChats/acme-sales', { where: { remoteJid: `${MARIA}@s.whatsapp.net` } }));
		await customer({ type: 'reaction', from: MARIA, reaction: { messageId: ourTextId, emoji: '👍' } });
		await customer({ type: 'audio', from: MARIA, source: 'android' });
		await customer({ type: 'document', from: MARIA, caption: 'Orçamento atualizado', fileName: 'orcamento-2025-11.pdf' });
		await customer({ type: 'sticker', from: MARIA });
		const image = await customer({ type: 'image', from: MARIA, caption: 'Segue a foto do produto' });
		const imageId = (image.body as { message: { key: { id: string } } }).message.key.id;
		record('response-chat-getBase64FromMediaMessage.json', await s.post('/chat/getBase64FromMediaMessage/acme-sales', { message: { key: { id: imageId } } }));
		await customer({ type: 'text', from: MARIA, fromMe: true, text: 'Confirmado, até amanhã!' });

		// A second conversation for findMessages: our text, then the customer's reply quoting it.
		const toCarlos = await s.post('/message/sendText/acme-sales', { number: CARLOS, text: 'Temos horário às 10h ou às 15h, qual prefere?' });
		await customer({ type: 'text', from: CARLOS, pushName: 'Carlos Lima', text: 'Pode ser às 15h então', replyTo: (toCarlos.body as { key: { id: string } }).key.id });
		await waitHook('acme-sales', 'messages.update', (hook) => hook.body.data.keyId === (toCarlos.body as { key: { id: string } }).key.id && hook.body.data.status === 'READ');
		record('response-chat-findMessages.json', await s.post('/chat/findMessages/acme-sales', { where: { key: { remoteJid: `${CARLOS}@s.whatsapp.net` } } }));
		record('request-chat-findMessages.json', await s.post('/chat/findMessages/acme-sales', fixture('request-chat-findMessages.json')));

		// Groups.
		const group = await s.post('/group/create/acme-sales', { subject: 'Equipe Vendas', participants: [MARIA, JOAO] });
		const groupJid = (group.body as { id: string }).id;
		await s.post(`/group/updateParticipant/acme-sales?groupJid=${groupJid}`, { action: 'add', participants: ['5511966665555'] });
		await customer({ type: 'text', from: JOAO, pushName: 'João Pedro', group: groupJid, source: 'android', text: '@5511999990000 consegue mandar o catálogo no grupo?', mentions: ['5511999990000'] });
		record('response-chat-findContacts.json', await s.post('/chat/findContacts/acme-sales', {}));

		// More sends.
		record('response-message-sendMedia-image.json', await s.post('/message/sendMedia/acme-sales', { number: MARIA, mediatype: 'image', media: PNG_1X1, caption: 'Catálogo novembro' }));
		const mediaRequest = { ...fixture('request-message-sendMedia.json'), media: `${receiver.url}/files/orcamento.pdf` };
		record('request-message-sendMedia.json', await s.post('/message/sendMedia/acme-sales', mediaRequest));
		record('response-message-sendReaction.json', await s.post('/message/sendReaction/acme-sales', { key: { remoteJid: `${MARIA}@s.whatsapp.net`, fromMe: false, id: mariaTextId }, reaction: '❤️' }));
		await s.post('/message/sendWhatsAppAudio/acme-sales', { number: MARIA, audio: Buffer.from('OggS voice').toString('base64') });
		record('response-chat-whatsappNumbers.json', await s.post('/chat/whatsappNumbers/acme-sales', { numbers: [MARIA, '5511900000000'] }));
		record('response-chat-markMessageAsRead.json', await s.post('/chat/markMessageAsRead/acme-sales', { readMessages: [{ remoteJid: `${MARIA}@s.whatsapp.net`, fromMe: false, id: mariaTextId }] }));
		record('response-chat-sendPresence.json', await s.post('/chat/sendPresence/acme-sales', { number: MARIA, presence: 'composing', delay: 10 }));
		record('response-chat-fetchProfilePictureUrl.json', await s.post('/chat/fetchProfilePictureUrl/acme-sales', { number: MARIA }));

		// Presence from the other side.
		await s.post('/_sandbox/instances/acme-sales/presence', { from: MARIA, presence: 'composing' });
		await s.post('/_sandbox/instances/acme-sales/presence', { from: MARIA, presence: 'unavailable' });
		await s.post('/_sandbox/instances/acme-sales/presence', { from: JOAO, group: groupJid, presence: 'recording' });

		// Deletes and edits.
		await s.delete('/chat/deleteMessageForEveryone/acme-sales', { id: ourTextId, fromMe: true, remoteJid: `${MARIA}@s.whatsapp.net` });
		await s.post(`/_sandbox/instances/acme-sales/messages/${mariaTextId}/edit`, { text: 'Oi! Vocês entregam no domingo?' });
		await s.post(`/_sandbox/instances/acme-sales/messages/${mariaTextId}/revoke`);

		// Settings and the webhook routes (on a separate instance so acme-sales keeps its webhook).
		record('response-settings-set.json', await s.post('/settings/set/acme-sales', fixture('response-settings-set.json').settings.settings));
		await s.createInstance('hooks');
		const webhookSet = fixture('request-webhook-set.json');
		webhookSet.webhook.url = `${receiver.url}/hooks`;
		record('request-webhook-set.json', await s.post('/webhook/set/hooks', webhookSet));
		record('response-webhook-find.json', await s.get('/webhook/find/hooks'));
		record('response-error-500-webhook-events-missing.json', await s.post('/webhook/set/hooks', { webhook: { enabled: true, url: `${receiver.url}/hooks` } }));

		// Connection drops and comes back, then a logout.
		await s.post('/_sandbox/instances/acme-sales/drop', { reconnect: true });
		await waitHook('acme-sales', 'connection.update', (hook) => hook.body.data.state === 'open' && hook.body.date_time !== undefined && receiver.events('connection.update').filter((other) => other.body.data.state === 'open').length >= 2);
		record('response-instance-logout.json', await s.delete('/instance/logout/acme-sales'));
		record('response-error-400-not-connected.json', await s.delete('/instance/logout/acme-sales'));
		record('response-instance-restart-closed.json', await s.post('/instance/restart/acme-sales'));

		// Reconnect after the logout (sender is still known), exhaust the QR limit → refused.
		record('response-instance-connect.json', await s.get('/instance/connect/acme-sales'));
		for (let step = 0; step < 3; step++) await s.post('/_sandbox/instances/acme-sales/qr/next');
		await waitHook('acme-sales', 'connection.update', (hook) => hook.body.data.state === 'refused');
		await s.get(`/instance/connect/acme-sales?number=5511999990000`);
		await waitHook('acme-sales', 'qrcode.updated', WEBHOOKS['webhook-qrcode.updated-pairing.json'].where);
		record('response-instance-delete.json', await s.delete('/instance/delete/acme-sales'));

		// Separate instances: base64 media, offline connect, history sync, a plain create.
		await s.openInstance('media-b64', { ...hookFor('media-b64'), base64: true });
		await customer({ type: 'image', from: MARIA, caption: 'Segue a foto do produto' }, 'media-b64');
		await s.createInstance('offline');
		await s.post('/_sandbox/instances/offline/offline', { offline: true });
		record('response-instance-connect-offline.json', await s.get('/instance/connect/offline'));
		await s.createInstance('history', hookFor('history'), { syncFullHistory: true });
		await s.post('/_sandbox/instances/history/history', { messages: 3, chats: 2 });
		await s.get('/instance/connect/history');
		await s.post('/_sandbox/instances/history/scan');
		record('response-instance-create.json', await s.post('/instance/create', {
			instanceName: 'plain',
			integration: 'WHATSAPP-BAILEYS',
			webhook: { url: `${receiver.url}/plain`, byEvents: false, base64: true, headers: { authorization: 'Bearer n8n-secret' }, events: ['MESSAGES_UPSERT'] },
		}));
		record('response-error-401.json', await s.get('/instance/connectionState/plain', null));
	}, 180_000);

	afterAll(async () => {
		await sandbox?.close();
		await receiver?.close();
	});

	it('has a scenario for every payload file', () => {
		const covered = new Set([...responses.keys(), ...Object.keys(WEBHOOKS)]);
		expect(files.filter((file) => !covered.has(file))).toEqual([]);
	});

	it.each(files)('%s', async (file) => {
		const expected = fixture(file);
		if (file.startsWith('webhook-')) {
			const scenario = WEBHOOKS[file];
			expect(scenario).toBeDefined();
			const [hook] = await waitHook(scenario.instance ?? 'acme-sales', scenario.event, scenario.where);
			expect(shapeDifferences(expected, hook.body, { optional: OPTIONAL_KEYS[file] })).toEqual([]);
			expect(Object.keys(hook.body).filter((key) => key in expected)).toEqual(Object.keys(expected).filter((key) => key in hook.body));
			return;
		}
		const result = responses.get(file);
		expect(result).toBeDefined();
		if (file.startsWith('request-')) {
			expect([200, 201]).toContain(result!.status);
			return;
		}
		if (file.startsWith('response-error-')) {
			expect(result!.status).toBe(expected.status);
			expect(result!.body).toEqual(expected);
			return;
		}
		expect(result!.status).toBeLessThan(300);
		expect(shapeDifferences(expected, result!.body)).toEqual([]);
	});

	it('signs deliveries with the instance token, the fake-Z local time and the configured server_url', async () => {
		const [hook] = await waitHook('acme-sales', 'instance.create');
		expect(hook.body.apikey).toBe(fixture('request-instance-create.json').token);
		expect(hook.body.server_url).toBe('https://evo.example.com');
		expect(hook.body.destination).toBe(`${receiver.url}/acme-sales`);
		expect(hook.body).not.toHaveProperty('sender');
		const skew = Date.now() - 180 * 60000 - Date.parse(hook.body.date_time);
		expect(Math.abs(skew)).toBeLessThan(60000);
		expect(API_KEY).not.toBe(hook.body.apikey);
	});
});

describe('Evolution 2.3.7 contract (routes without a payload fixture)', () => {
	let sandbox: SandboxClient;

	beforeAll(async () => {
		sandbox = await SandboxClient.start({ maxSendDelayMs: 20, ackDelaysMs: { serverAck: 5, delivery: 10, read: 20, played: 30 } });
		await sandbox.openInstance('routes');
	});
	afterAll(async () => sandbox?.close());

	it('POST /settings/set answers exactly {settings: {instanceName, settings: <the body>}}', async () => {
		const body = { rejectCall: false, groupsIgnore: true, alwaysOnline: false, readMessages: true, readStatus: false, syncFullHistory: false };
		const answer = await sandbox.post('/settings/set/routes', body);
		expect(answer.status).toBe(201);
		expect(answer.body).toEqual({ settings: { instanceName: 'routes', settings: body } });
		// What was stored is what /settings/find shows, the keys that were not sent included.
		expect((await sandbox.get('/settings/find/routes')).body).toEqual({ ...body, msgCall: '', wavoipToken: '' });

		const withMessage = { ...body, rejectCall: true, msgCall: 'Não atendemos ligações.' };
		expect((await sandbox.post('/settings/set/routes', withMessage)).body).toEqual({ settings: { instanceName: 'routes', settings: withMessage } });
	});

	it('GET /proxy/find answers 200 null for an instance without a proxy', async () => {
		const answer = await sandbox.get('/proxy/find/routes');
		expect(answer.status).toBe(200);
		expect(answer.body ?? null).toBeNull();
		expect((await sandbox.get('/proxy/find/nobody')).status).toBe(404);
	});

	it('POST /chat/findStatusMessage answers [] before any receipt, then the MessageUpdate rows, filtered and paged', async () => {
		const empty = await sandbox.post('/chat/findStatusMessage/routes', { where: { remoteJid: `${MARIA}@s.whatsapp.net` } });
		expect(empty.status).toBe(200);
		expect(empty.body).toEqual([]);

		const sent = await sandbox.post('/message/sendText/routes', { number: MARIA, text: 'status please' });
		const key = (sent.body as { key: { id: string; remoteJid: string } }).key;
		await sandbox.post('/message/sendText/routes', { number: CARLOS, text: 'other chat' });
		let rows: Array<Record<string, unknown>> = [];
		for (let attempt = 0; attempt < 200 && rows.length < 3; attempt++) {
			rows = (await sandbox.post('/chat/findStatusMessage/routes', { where: { id: key.id } })).body;
			if (rows.length < 3) await new Promise((resolve) => setTimeout(resolve, 50));
		}
		expect(rows.map((row) => row.status)).toEqual(['SERVER_ACK', 'DELIVERY_ACK', 'READ']);
		for (const row of rows) {
			expect(row).toEqual({
				id: expect.any(String),
				keyId: key.id,
				remoteJid: key.remoteJid,
				fromMe: true,
				participant: null,
				pollUpdates: null,
				status: row.status,
				instanceId: expect.any(String),
				messageId: expect.any(String),
			});
		}
		expect(new Set(rows.map((row) => row.id)).size).toBe(3);
		const byChat = (await sandbox.post('/chat/findStatusMessage/routes', { where: { remoteJid: key.remoteJid } })).body as typeof rows;
		expect(byChat.every((row) => row.remoteJid === key.remoteJid && row.keyId === key.id)).toBe(true);
		const page2 = (await sandbox.post('/chat/findStatusMessage/routes', { where: { id: key.id }, page: 2, offset: 2 })).body as typeof rows;
		expect(page2.map((row) => row.status)).toEqual(['READ']);
	});
});
