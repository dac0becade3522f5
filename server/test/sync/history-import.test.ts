import { randomBytes } from 'node:crypto';
import { createChannel } from '../../src/channels/channel-repository';
import type { Db } from '../../src/db/db';
import { writeMessages } from '../../src/messages/message-batch-write';
import type { EvolutionHistoryRecord } from '../../src/sync/chat-pager';
import { HistoryImporter, historyMessage } from '../../src/sync/history-import';
import { ADAPTERS, openMigratedDb } from '../inbox/support/inbox-app';

const key = randomBytes(32);
let sequence = 0;

/** A findMessages record of a text in the chat with `phone` (digits), as Evolution answers it. */
function record(phone: string, text: string, seconds: number): EvolutionHistoryRecord {
	sequence++;
	return {
		key: { id: `3A${String(sequence).padStart(18, '0')}`, remoteJid: `${phone}@s.whatsapp.net`, fromMe: false },
		pushName: 'Cliente',
		messageType: 'conversation',
		message: { conversation: text },
		messageTimestamp: seconds,
		MessageUpdate: [],
	};
}

describe.each(ADAPTERS)('history import, one transaction a page, on %s', (_name, open) => {
	let db: Db;
	let workspaceId: string;
	let channelId: string;
	const now = Math.floor(Date.now() / 1000);

	beforeAll(async () => {
		db = await openMigratedDb(open);
		const slug = `hist-${randomBytes(3).toString('hex')}`;
		workspaceId = (await db.query<{ id: string }>('INSERT INTO workspaces (name, slug) VALUES ($1, $1) RETURNING id', [slug])).rows[0].id;
		channelId = (await createChannel(db, key, { workspaceId, name: 'Vendas', instanceName: slug, baseUrl: 'http://127.0.0.1:9', apiKey: 'k' })).channel.id;
	}, 180_000);
	afterAll(async () => {
		await db?.close();
	});

	const count = async (sql: string, params: unknown[]) => (await db.query<{ n: number }>(sql, params)).rows[0].n;
	const messagesOf = (phone: string) =>
		count(
			`SELECT count(*)::int AS n FROM whatsapp_messages m JOIN whatsapp_conversations cv ON cv.id = m.conversation_id JOIN contacts ct ON ct.id = cv.contact_id
			 WHERE m.workspace_id = $1 AND ct.phone_e164 = $2`,
			[workspaceId, `+${phone}`],
		);

	it('a page whose bookkeeping fails stores nothing, not even its chat; the same page again is stored once', async () => {
		const importer = new HistoryImporter(db, workspaceId, channelId);
		const page = [record('5511988880001', 'um', now - 300), record('5511988880001', 'dois', now - 200)];
		await expect(
			importer.importChunk(page, async () => {
				throw new Error('the cursor could not be stored');
			}),
		).rejects.toThrow('the cursor could not be stored');
		// Rolled back with the cursor: no message, no contact, no conversation.
		expect(await messagesOf('5511988880001')).toBe(0);
		expect(await count(`SELECT count(*)::int AS n FROM contacts WHERE workspace_id = $1 AND phone_e164 = '+5511988880001'`, [workspaceId])).toBe(0);

		// The same page again: the chat is resolved anew (not taken from the rolled-back attempt) and stored once.
		const recorded: number[] = [];
		const chunk = await importer.importChunk(page, async (tx, result) => {
			// The bookkeeping runs inside the page's transaction: it sees the page's rows.
			recorded.push((await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM whatsapp_messages WHERE workspace_id = $1', [workspaceId])).rows[0].n);
			expect(result).toMatchObject({ seen: 2, imported: 2, unreadable: 0 });
		});
		expect(chunk).toMatchObject({ seen: 2, imported: 2 });
		expect(recorded[0]).toBeGreaterThanOrEqual(2);
		expect(await messagesOf('5511988880001')).toBe(2);
		const conversation = (
			await db.query<{ status: string; unread: number; preview: string }>(
				`SELECT cv.status, cv.unread_count AS unread, cv.last_message_preview AS preview FROM whatsapp_conversations cv JOIN contacts ct ON ct.id = cv.contact_id
				 WHERE cv.workspace_id = $1 AND ct.phone_e164 = '+5511988880001'`,
				[workspaceId],
			)
		).rows;
		expect(conversation).toEqual([{ status: 'resolved', unread: 0, preview: 'dois' }]);
	});

	it('a conversation removed after the run cached it is resolved again for the next page', async () => {
		const importer = new HistoryImporter(db, workspaceId, channelId);
		const noop = async () => undefined;
		expect(await importer.importChunk([record('5511988880002', 'antes', now - 500)], noop)).toMatchObject({ imported: 1 });
		await db.query(
			`DELETE FROM whatsapp_conversations cv USING contacts ct WHERE ct.id = cv.contact_id AND cv.workspace_id = $1 AND ct.phone_e164 = '+5511988880002'`,
			[workspaceId],
		);
		expect(await importer.importChunk([record('5511988880002', 'depois', now - 400)], noop)).toMatchObject({ imported: 1 });
		const rows = await db.query<{ preview: string }>(
			`SELECT cv.last_message_preview AS preview FROM whatsapp_conversations cv JOIN contacts ct ON ct.id = cv.contact_id WHERE cv.workspace_id = $1 AND ct.phone_e164 = '+5511988880002'`,
			[workspaceId],
		);
		expect(rows.rows).toEqual([{ preview: 'depois' }]);
	});

	it("a named conversation is only ever one of the write's own workspace and channel", async () => {
		const importer = new HistoryImporter(db, workspaceId, channelId);
		await importer.importChunk([record('5511988880003', 'minha', now - 100)], async () => undefined);
		const theirs = (
			await db.query<{ id: string }>(
				`SELECT cv.id FROM whatsapp_conversations cv JOIN contacts ct ON ct.id = cv.contact_id WHERE cv.workspace_id = $1 AND ct.phone_e164 = '+5511988880003'`,
				[workspaceId],
			)
		).rows[0].id;
		const otherSlug = `other-${randomBytes(3).toString('hex')}`;
		const otherWorkspace = (await db.query<{ id: string }>('INSERT INTO workspaces (name, slug) VALUES ($1, $1) RETURNING id', [otherSlug])).rows[0].id;
		const otherChannel = (await createChannel(db, key, { workspaceId: otherWorkspace, name: 'Outro', instanceName: otherSlug, baseUrl: 'http://127.0.0.1:9', apiKey: 'k' })).channel.id;
		const sameWorkspaceChannel = (await createChannel(db, key, { workspaceId, name: 'Suporte', instanceName: `${otherSlug}-2`, baseUrl: 'http://127.0.0.1:9', apiKey: 'k' })).channel.id;

		for (const [w, c] of [
			[otherWorkspace, otherChannel],
			[workspaceId, sameWorkspaceChannel],
		]) {
			const message = historyMessage(record('5511988880003', 'intrusa', now - 50))!;
			const result = await writeMessages(db, [{ delivery: 0, workspaceId: w, channelId: c, message, conversationId: theirs }], [], { onlyKnownChats: false, messageRows: false });
			expect(result.items).toEqual([{ resolved: false, inserted: false, stored: undefined }]);
			expect(result.conversations).toEqual([]);
		}
		expect(await count('SELECT count(*)::int AS n FROM whatsapp_messages WHERE conversation_id = $1', [theirs])).toBe(1);
	});
});
