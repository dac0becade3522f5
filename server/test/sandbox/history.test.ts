/** findMessages pagination and filters over seeded history, and bulk seeding speed. */
import { SandboxClient } from './support/sandbox-client';
import { WebhookReceiver } from './support/webhook-receiver';

describe('sandbox history (findMessages)', () => {
	let sandbox: SandboxClient;
	let seeded: Awaited<ReturnType<SandboxClient['post']>>;
	beforeAll(async () => {
		sandbox = await SandboxClient.start();
		await sandbox.openInstance('hist');
		seeded = await sandbox.post('/_sandbox/instances/hist/history', { messages: 120, chats: 3, since: 1763000000, until: 1763119000 });
	});
	afterAll(() => sandbox.close());

	const find = async (body: unknown) => (await sandbox.post('/chat/findMessages/hist', body)).body.messages;

	it('pages newest first with total/pages/currentPage and records without status', async () => {
		expect(seeded.body).toMatchObject({ messages: 120, chatCount: 3 });
		const first = await find({ page: 1, offset: 50 });
		expect(first).toMatchObject({ total: 120, pages: 3, currentPage: 1 });
		expect(first.records).toHaveLength(50);
		const last = await find({ page: 3, offset: 50 });
		expect(last.records).toHaveLength(20);
		const timestamps = [...first.records, ...(await find({ page: 2, offset: 50 })).records, ...last.records].map((record: { messageTimestamp: number }) => record.messageTimestamp);
		expect(timestamps).toEqual([...timestamps].sort((a, b) => b - a));
		const ids = new Set([...first.records, ...last.records].map((record: { key: { id: string } }) => record.key.id));
		expect(ids.size).toBe(70);
		for (const record of first.records) {
			expect(record).not.toHaveProperty('status');
			expect(Array.isArray(record.MessageUpdate)).toBe(true);
		}
		expect(await find({ page: 9, offset: 50 })).toMatchObject({ total: 120, pages: 3, currentPage: 9, records: [] });
	});

	it('filters by remoteJid (or remoteJidAlt), ignores fromMe:false, and needs both timestamp bounds', async () => {
		const chat = (await find({ offset: 1 })).records[0].key;
		const jid = chat.remoteJid;
		const byJid = await find({ where: { key: { remoteJid: jid } }, offset: 1000 });
		expect(byJid.total).toBe(40);
		const incoming = byJid.records.find((record: { key: { fromMe: boolean } }) => !record.key.fromMe);
		const incomingCount = byJid.records.filter((record: { key: { fromMe: boolean } }) => !record.key.fromMe).length;
		// The @lid counterpart matches through remoteJidAlt (only incoming rows carry it).
		expect((await find({ where: { key: { remoteJid: incoming.key.remoteJidAlt } }, offset: 1000 })).total).toBe(incomingCount);
		expect((await find({ where: { key: { remoteJid: jid, fromMe: false } } })).total).toBe(40);
		const mine = await find({ where: { key: { remoteJid: jid, fromMe: true } }, offset: 1000 });
		expect(mine.records.every((record: { key: { fromMe: boolean } }) => record.key.fromMe)).toBe(true);
		expect(mine.total).toBeGreaterThan(0);
		expect((await find({ where: { messageTimestamp: { gte: '2025-11-13T00:00:00Z' } } })).total).toBe(120);
		const window = await find({ where: { messageTimestamp: { gte: new Date(1763000000 * 1000).toISOString(), lte: new Date(1763059000 * 1000).toISOString() } }, offset: 1000 });
		expect(window.total).toBeGreaterThan(0);
		expect(window.total).toBeLessThan(120);
		const bad = await sandbox.post('/chat/findMessages/hist', { page: '1' });
		expect(bad.status).toBe(400);
	});

	it('lists chats (lastMessage, unreadCount) and contacts from the seed', async () => {
		const chats = (await sandbox.post('/chat/findChats/hist', {})).body;
		expect(chats).toHaveLength(3);
		expect(chats[0].lastMessage.messageTimestamp).toBeGreaterThanOrEqual(chats[1].lastMessage.messageTimestamp);
		const contacts = (await sandbox.post('/chat/findContacts/hist', {})).body;
		expect(contacts.map((contact: { type: string }) => contact.type)).toEqual(['contact', 'contact', 'contact']);
	});

	it('seeds 100k messages over 500 chats and pages them', async () => {
		await sandbox.createInstance('bulk');
		const seeded = await sandbox.post('/_sandbox/instances/bulk/history', { messages: 100000, chats: 500 });
		expect(seeded.status).toBe(200);
		const page = (await sandbox.post('/chat/findMessages/bulk', { page: 2000, offset: 50 })).body.messages;
		expect(page).toMatchObject({ total: 100000, pages: 2000, currentPage: 2000 });
		expect(page.records).toHaveLength(50);
		expect((await sandbox.get('/instance/fetchInstances?instanceName=bulk')).body[0]._count).toEqual({ Message: 100000, Contact: 500, Chat: 500 });
	});

	it('emits messages.set on login when syncFullHistory is on', async () => {
		const receiver = await new WebhookReceiver().start();
		try {
			await sandbox.createInstance('synced', { url: `${receiver.url}/synced`, events: ['MESSAGES_SET', 'CONTACTS_UPSERT'] }, { syncFullHistory: true });
			await sandbox.post('/_sandbox/instances/synced/history', { messages: 1200, chats: 2 });
			await sandbox.get('/instance/connect/synced');
			await sandbox.post('/_sandbox/instances/synced/scan');
			const sets = await receiver.waitForEvent('messages.set', 3);
			expect(sets.map((hook) => hook.body.data.length)).toEqual([500, 500, 200]);
			expect(sets.map((hook) => hook.body.isLatest)).toEqual([false, false, true]);
			expect(Object.keys(sets[2].body).slice(0, 3)).toEqual(['isLatest', 'progress', 'event']);
			const [contacts] = await receiver.waitForEvent('contacts.upsert');
			expect(contacts.body.data).toHaveLength(2);
		} finally {
			await receiver.close();
		}
	});
});
