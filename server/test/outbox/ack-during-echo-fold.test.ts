import { createPgDb } from '../../src/db/pg-db';
import type { Db } from '../../src/db/db';
import { applyStatus } from '../../src/messages/message-updates';
import { createTestDatabase } from '../../../test/support/test-database';
import { openMigratedDb, seedWorkspace } from '../inbox/support/inbox-app';
import { randomBytes } from 'node:crypto';

/**
 * An ack that arrives while the outbox folds the echo's early copy into the send's own row. On PostgreSQL the ack's
 * update first sees the copy, waits for the fold's lock, then finds the copy deleted and skips it: the ack must still
 * land on the send's row (seen before the fix: a reply stuck at "delivered" although WhatsApp said "read").
 * PostgreSQL only: PGlite runs one statement at a time, so the interleaving cannot happen there.
 */
describe('an ack racing the fold of an echo copy, on PostgreSQL', () => {
	let db: Db;
	beforeAll(async () => {
		db = await openMigratedDb(async () => createPgDb(await createTestDatabase('ackrace')));
	});
	afterAll(async () => {
		await db?.close();
	});

	it('lands on the send\'s row', async () => {
		const ws = await seedWorkspace(db, randomBytes(32), { messages: 0 });
		const waMessageId = `RACE${randomBytes(4).toString('hex')}`;
		const insert = (fields: { origin: string | null; wa: string | null; status: string }) =>
			db.query<{ id: string }>(
				`INSERT INTO whatsapp_messages (workspace_id, channel_id, conversation_id, wa_message_id, direction, from_me, type, body, status, origin)
				 VALUES ($1, $2, $3, $4, 'outbound', true, 'text', 'oi', $5, $6) RETURNING id`,
				[ws.workspaceId, ws.channelId, ws.conversationId, fields.wa, fields.status, fields.origin],
			);
		const send = (await insert({ origin: 'reply', wa: null, status: 'queued' })).rows[0].id;
		await insert({ origin: null, wa: waMessageId, status: 'delivered' });

		// The fold, as markSent does it (delete the copy, give the send the id), held open before its commit; the ack
		// starts meanwhile: its update sees the copy and waits for the fold's lock on it.
		let release!: () => void;
		const held = new Promise<void>((resolve) => (release = resolve));
		const ref = { workspaceId: ws.workspaceId, channelId: ws.channelId, waMessageId };
		let folding!: () => void;
		const deleted = new Promise<void>((resolve) => (folding = resolve));
		const fold = db.transaction(async (tx) => {
			await tx.query('DELETE FROM whatsapp_messages WHERE workspace_id = $1 AND channel_id = $2 AND wa_message_id = $3 AND id <> $4', [ws.workspaceId, ws.channelId, waMessageId, send]);
			await tx.query("UPDATE whatsapp_messages SET wa_message_id = $3, status = 'delivered' WHERE workspace_id = $1 AND id = $2", [ws.workspaceId, send, waMessageId]);
			folding();
			await held;
		});
		await deleted;
		const ack = db.transaction((tx) => applyStatus(tx, ref, 'read'));
		// Long enough for the ack's update to be waiting on the copy's lock.
		await new Promise((resolve) => setTimeout(resolve, 500));
		release();
		await fold;
		await ack;
		const { rows } = await db.query<{ id: string; status: string }>('SELECT id, status FROM whatsapp_messages WHERE workspace_id = $1 AND wa_message_id = $2', [ws.workspaceId, waMessageId]);
		expect(rows).toEqual([{ id: send, status: 'read' }]);
	});
});
