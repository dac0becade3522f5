 
import { startEvolutionSandbox, type EvolutionSandbox } from '../support/evolution-sandbox';
import { binaryBuffer, runEvolutionNode, type EvolutionCredentials } from '../support/n8n-harness';

const INSTANCE = 'shop-chats';
const CUSTOMER = '5511988887777';
const CUSTOMER_JID = `${CUSTOMER}@s.whatsapp.net`;
const SEEDED_CHAT = '5511970000001';
const JPEG_BYTES = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]);

let sandbox: EvolutionSandbox;
let credentials: EvolutionCredentials;

beforeAll(async () => {
	sandbox = await startEvolutionSandbox();
	await sandbox.connectedInstance(INSTANCE);
	credentials = { baseUrl: sandbox.url, apiKey: sandbox.apiKey, defaultInstance: INSTANCE };
	const seeded = await sandbox.call('POST', `/_sandbox/instances/${INSTANCE}/history`, { messages: 130, chats: 1, firstNumber: SEEDED_CHAT });
	expect(seeded.status).toBe(200);
});
afterAll(async () => sandbox.close());
beforeEach(() => sandbox.clearRequests());

const chat = (operation: string, parameters: Record<string, unknown>) =>
	runEvolutionNode({ resource: 'chat', operation, ...parameters }, { credentials });

describe('Chat resource against the sandbox', () => {
	it('checks numbers in chunks of at most 50 per request', async () => {
		const numbers = Array.from({ length: 120 }, (_, index) => `+55 11 9${String(10000000 + index)}`);
		await sandbox.call('POST', '/_sandbox/numbers/not-on-whatsapp', { numbers: ['5511910000007'] });
		const { items } = await chat('checkNumbers', { numbers: numbers.join(', ') });
		const requests = sandbox.requestsTo(`/chat/whatsappNumbers/${INSTANCE}`);
		expect(requests.map((request) => (request.json as { numbers: string[] }).numbers.length)).toEqual([50, 50, 20]);
		expect((requests[0].json as { numbers: string[] }).numbers[0]).toBe('5511910000000');
		expect(items).toHaveLength(120);
		expect(items.find((item) => item.json.number === '5511910000007')?.json.exists).toBe(false);
		expect(items.find((item) => item.json.number === '5511910000008')?.json).toMatchObject({ exists: true, jid: '5511910000008@s.whatsapp.net' });
	});

	it('finds messages following the pages with "return all"', async () => {
		const { items } = await chat('findMessages', { returnAll: true, filters: { chat: SEEDED_CHAT } });
		const requests = sandbox.requestsTo(`/chat/findMessages/${INSTANCE}`);
		expect(requests.map((request) => request.json)).toEqual([
			{ where: { key: { remoteJid: `${SEEDED_CHAT}@s.whatsapp.net` } }, page: 1, offset: 100 },
			{ where: { key: { remoteJid: `${SEEDED_CHAT}@s.whatsapp.net` } }, page: 2, offset: 100 },
		]);
		expect(items).toHaveLength(130);
		expect(new Set(items.map((item) => (item.json.key as { id: string }).id)).size).toBe(130);
	});

	it('finds messages up to a limit, with a date range', async () => {
		const { items } = await chat('findMessages', {
			returnAll: false,
			limit: 7,
			filters: { from: '2000-01-01T00:00:00.000Z', to: '2100-01-01T00:00:00.000Z', fromMe: true },
		});
		expect(sandbox.requestsTo(`/chat/findMessages/${INSTANCE}`).map((request) => request.json)).toEqual([
			{
				where: { key: { fromMe: true }, messageTimestamp: { gte: '2000-01-01T00:00:00.000Z', lte: '2100-01-01T00:00:00.000Z' } },
				page: 1,
				offset: 7,
			},
		]);
		expect(items).toHaveLength(7);
		expect(items.every((item) => (item.json.key as { fromMe: boolean }).fromMe)).toBe(true);
	});

	it('finds chats and contacts', async () => {
		await sandbox.receive(INSTANCE, { from: CUSTOMER, pushName: 'Maria Souza', text: 'Hi' });
		const chats = await chat('findChats', { returnAll: true, filters: {} });
		expect(sandbox.requestsTo(`/chat/findChats/${INSTANCE}`)[0].json).toEqual({ where: {} });
		expect(chats.items.map((item) => item.json.remoteJid)).toEqual(expect.arrayContaining([CUSTOMER_JID, `${SEEDED_CHAT}@s.whatsapp.net`]));

		const contacts = await chat('findContacts', { returnAll: true, filters: { contact: CUSTOMER } });
		expect(sandbox.requestsTo(`/chat/findContacts/${INSTANCE}`)[0].json).toEqual({ where: { remoteJid: CUSTOMER_JID } });
		expect(contacts.items).toHaveLength(1);
		expect(contacts.items[0].json).toMatchObject({ remoteJid: CUSTOMER_JID, pushName: 'Maria Souza' });
	});

	it('marks messages read, a chat unread, and archives it', async () => {
		const incoming = await sandbox.receive(INSTANCE, { from: CUSTOMER, text: 'Anyone there?' });
		const read = await chat('markRead', { number: CUSTOMER, messageIds: incoming.key.id });
		expect(sandbox.requestsTo(`/chat/markMessageAsRead/${INSTANCE}`)[0].json).toEqual({
			readMessages: [{ remoteJid: CUSTOMER_JID, fromMe: false, id: incoming.key.id }],
		});
		expect(read.items[0].json).toMatchObject({ message: 'Read messages', read: 'success' });

		const unread = await chat('markUnread', { number: CUSTOMER, lastMessageId: incoming.key.id, lastMessageFromMe: false });
		expect(sandbox.requestsTo(`/chat/markChatUnread/${INSTANCE}`)[0].json).toEqual({
			chat: CUSTOMER_JID,
			lastMessage: { key: { id: incoming.key.id, remoteJid: CUSTOMER_JID, fromMe: false } },
		});
		expect(unread.items[0].json).toMatchObject({ markedChatUnread: true });

		const archived = await chat('archive', { number: CUSTOMER, archive: true, lastMessageId: incoming.key.id });
		expect(sandbox.requestsTo(`/chat/archiveChat/${INSTANCE}`)[0].json).toEqual({
			chat: CUSTOMER_JID,
			archive: true,
			lastMessage: { key: { id: incoming.key.id, remoteJid: CUSTOMER_JID, fromMe: false } },
		});
		expect(archived.items[0].json).toMatchObject({ archived: true });
	});

	it('sends presence (typing) for the given duration', async () => {
		const { items } = await chat('sendPresence', { number: CUSTOMER, presence: 'composing', delay: 30 });
		expect(sandbox.requestsTo(`/chat/sendPresence/${INSTANCE}`)[0].json).toEqual({ number: CUSTOMER, presence: 'composing', delay: 30 });
		expect(items[0].json).toMatchObject({ presence: 'composing' });
	});

	it('downloads media as binary with the right MIME type and file name', async () => {
		const incoming = await sandbox.receive(INSTANCE, {
			from: CUSTOMER,
			type: 'image',
			media: JPEG_BYTES.toString('base64'),
			mimetype: 'image/jpeg',
			caption: 'Receipt',
		});
		const { items } = await chat('downloadMedia', { messageId: incoming.key.id, binaryPropertyName: 'file', options: {} });
		expect(sandbox.requestsTo(`/chat/getBase64FromMediaMessage/${INSTANCE}`)[0].json).toEqual({
			message: { key: { id: incoming.key.id } },
			convertToMp4: false,
		});
		const [item] = items;
		expect(item.binary?.file.mimeType).toBe('image/jpeg');
		expect(item.binary?.file.fileName).toMatch(/\.jpe?g$/);
		expect((await binaryBuffer(item, 'file')).equals(JPEG_BYTES)).toBe(true);
		expect(item.json).toMatchObject({ messageId: incoming.key.id, mediaType: 'imageMessage', caption: 'Receipt' });
		expect(item.json.base64).toBeUndefined();
	});

	it('gets a profile picture and blocks / unblocks a contact', async () => {
		const picture = await chat('profilePicture', { number: '+55 11 98888-7777' });
		expect(sandbox.requestsTo(`/chat/fetchProfilePictureUrl/${INSTANCE}`)[0].json).toEqual({ number: CUSTOMER });
		expect(picture.items[0].json).toMatchObject({ wuid: CUSTOMER_JID });

		const blocked = await chat('updateBlockStatus', { number: CUSTOMER, status: 'block' });
		await chat('updateBlockStatus', { number: CUSTOMER, status: 'unblock' });
		expect(sandbox.requestsTo(`/chat/updateBlockStatus/${INSTANCE}`).map((request) => request.json)).toEqual([
			{ number: CUSTOMER, status: 'block' },
			{ number: CUSTOMER, status: 'unblock' },
		]);
		expect(blocked.items[0].json).toMatchObject({ block: 'success' });
	});
});
