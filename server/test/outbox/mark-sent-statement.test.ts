import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/db';
import { claimOrLoad, markSent } from '../../src/outbox/outbox-store';
import { MAX_SEND_ATTEMPTS } from '../../src/outbox/send-schedule';
import { ADAPTERS, openMigratedDb, seedWorkspace, type SeededWorkspace } from '../inbox/support/inbox-app';

/**
 * The send path's two statements, straight on the database (both adapters): the claim of a reply that can go at
 * once, and markSent, which stores the WhatsApp id with the send's whatsapp_logs line in one statement, folding in
 * the echo's early copy and the acks that waited for the id (status forward only), and still stores the send when its
 * log line cannot be written.
 */
describe.each(ADAPTERS)('the outbox send statements on %s', (_name, open: () => Promise<Db>) => {
	let db: Db;
	let ws: SeededWorkspace;
	beforeAll(async () => {
		db = await openMigratedDb(open);
		ws = await seedWorkspace(db, randomBytes(32), { messages: 0 });
		await db.query(`UPDATE whatsapp_channels SET status = 'connected' WHERE id = $1`, [ws.channelId]);
	});
	afterAll(async () => {
		await db?.close();
	});

	const queued = async (fields: { origin?: string; request?: Record<string, unknown>; sendInDoubt?: boolean } = {}) =>
		(
			await db.query<{ id: string }>(
				`INSERT INTO whatsapp_messages (workspace_id, channel_id, conversation_id, direction, from_me, type, body, status, origin, outbox_request, send_in_doubt)
				 VALUES ($1, $2, $3, 'outbound', true, 'text', 'Olá', 'queued', $4, $5, $6) RETURNING id`,
				[ws.workspaceId, ws.channelId, ws.conversationId, fields.origin ?? 'reply', JSON.stringify(fields.request ?? { typing: false }), fields.sendInDoubt ?? false],
			)
		).rows[0].id;
	const row = async (id: string) =>
		(
			await db.query<{ status: string; waMessageId: string | null; sentAt: Date | null; attempts: number; sendingSince: Date | null }>(
				`SELECT status, wa_message_id AS "waMessageId", sent_at AS "sentAt", attempts, sending_since AS "sendingSince" FROM whatsapp_messages WHERE id = $1`,
				[id],
			)
		).rows[0];
	const logLines = async (id: string) => (await db.query<{ operation: string; ok: boolean; httpStatus: number }>(`SELECT operation, ok, http_status AS "httpStatus" FROM whatsapp_logs WHERE message_id = $1`, [id])).rows;

	it('claims a reply that can go at once, and gives every other row back as it is, for the full step', async () => {
		const claim = (id: string, channelId: string | null = ws.channelId) => claimOrLoad(db, id, channelId, MAX_SEND_ATTEMPTS);
		const reply = await queued();
		expect(await claim(reply)).toMatchObject({ claimedAttempt: 1, row: { id: reply, status: 'queued', attempts: 0, sendingSince: null, channelStatus: 'connected', instanceName: expect.any(String) } });
		expect(await row(reply)).toMatchObject({ attempts: 1, sendingSince: expect.any(Date) });
		// Claimed once: in flight now, so a second step (a stalled job run again) only reads it, in flight.
		expect(await claim(reply)).toMatchObject({ claimedAttempt: null, row: { id: reply, attempts: 1, sendingSince: expect.any(Date) } });

		const proactive = await queued({ origin: 'proactive' });
		const inDoubt = await queued({ sendInDoubt: true });
		const stored = await queued({ request: { typing: false, media: { mediaId: '00000000-0000-4000-8000-000000000000' } } });
		const otherQueue = await queued();
		const paused = await queued();
		const unsendable = await queued();
		for (const id of [proactive, inDoubt, stored]) expect(await claim(id)).toMatchObject({ claimedAttempt: null, row: { id, attempts: 0 } });
		expect(await claim(otherQueue, '00000000-0000-4000-8000-000000000001')).toMatchObject({ claimedAttempt: null, row: { id: otherQueue, channelId: ws.channelId } });
		expect(await claim(paused, null)).toMatchObject({ claimedAttempt: null, row: { id: paused } });
		await db.query(`UPDATE whatsapp_channels SET status = 'disconnected' WHERE id = $1`, [ws.channelId]);
		expect(await claim(unsendable)).toMatchObject({ claimedAttempt: null, row: { id: unsendable, channelStatus: 'disconnected' } });
		await db.query(`UPDATE whatsapp_channels SET status = 'connected' WHERE id = $1`, [ws.channelId]);
		for (const id of [proactive, inDoubt, stored, otherQueue, paused, unsendable]) expect(await row(id)).toMatchObject({ attempts: 0, sendingSince: null });
		// Not an outbox row: nothing.
		const inbound = (
			await db.query<{ id: string }>(
				`INSERT INTO whatsapp_messages (workspace_id, channel_id, conversation_id, direction, from_me, type, body, status) VALUES ($1, $2, $3, 'inbound', false, 'text', 'Oi', 'delivered') RETURNING id`,
				[ws.workspaceId, ws.channelId, ws.conversationId],
			)
		).rows[0].id;
		expect(await claim(inbound)).toBeUndefined();
	});

	it('stores the id with its log line, folds in the early echo and acks, and moves the status only forward', async () => {
		const id = await queued();
		const waMessageId = `3EB0${randomBytes(9).toString('hex').toUpperCase()}`;
		const copy = (
			await db.query<{ id: string }>(
				`INSERT INTO whatsapp_messages (workspace_id, channel_id, conversation_id, wa_message_id, direction, from_me, type, body, status)
				 VALUES ($1, $2, $3, $4, 'outbound', true, 'text', 'Olá', 'delivered') RETURNING id`,
				[ws.workspaceId, ws.channelId, ws.conversationId, waMessageId],
			)
		).rows[0].id;
		await db.query(`INSERT INTO whatsapp_pending_message_updates (workspace_id, channel_id, wa_message_id, status) VALUES ($1, $2, $3, 'read')`, [ws.workspaceId, ws.channelId, waMessageId]);
		const log = { workspaceId: ws.workspaceId, channelId: ws.channelId, messageId: id, operation: 'outbox_send', method: 'POST', endpoint: '/message/sendText/x', startedAt: Date.now(), request: { number: '5511', text: 'Olá' }, response: { key: { id: waMessageId } } };

		const sent = await markSent(db, { workspaceId: ws.workspaceId, channelId: ws.channelId, id }, waMessageId, new Date(), log);
		expect(sent.removedCopies).toEqual([{ id: copy, conversationId: ws.conversationId }]);
		expect(sent.message).toMatchObject({ id, waMessageId, status: 'read' });
		expect(await row(id)).toMatchObject({ status: 'read', waMessageId, sentAt: expect.any(Date) });
		expect((await db.query('SELECT 1 FROM whatsapp_messages WHERE id = $1', [copy])).rows).toHaveLength(0);
		expect((await db.query('SELECT 1 FROM whatsapp_pending_message_updates WHERE wa_message_id = $1', [waMessageId])).rows).toHaveLength(0);
		expect(await logLines(id)).toEqual([{ operation: 'outbox_send', ok: true, httpStatus: 201 }]);

		// Stored again (an adopted send found later): nothing goes back, no second copy of anything.
		const again = await markSent(db, { workspaceId: ws.workspaceId, channelId: ws.channelId, id }, waMessageId, null);
		expect(again).toMatchObject({ removedCopies: [], message: { id, status: 'read' } });
	});

	it('still stores the send when its log line cannot be written', async () => {
		const id = await queued();
		const waMessageId = `3EB0${randomBytes(9).toString('hex').toUpperCase()}`;
		// A log line naming a channel that does not exist: its insert fails (foreign key), the send must not.
		const log = { workspaceId: ws.workspaceId, channelId: '00000000-0000-4000-8000-000000000002', messageId: id, operation: 'outbox_send', method: 'POST', endpoint: '/message/sendText/x', startedAt: Date.now() };
		const sent = await markSent(db, { workspaceId: ws.workspaceId, channelId: ws.channelId, id }, waMessageId, null, log);
		expect(sent.message).toMatchObject({ id, waMessageId, status: 'sent' });
		expect(await row(id)).toMatchObject({ status: 'sent', waMessageId, sentAt: expect.any(Date) });
		expect(await claimOrLoad(db, id, ws.channelId, MAX_SEND_ATTEMPTS)).toMatchObject({ claimedAttempt: null, row: { status: 'sent' } });
	});
});
