import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/db';
import { claimOrLoad, claimOrLoadMany, markSent, markSentMany } from '../../src/outbox/outbox-store';
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
	const newWaId = () => `3EB0${randomBytes(9).toString('hex').toUpperCase()}`;
	/** The echo of our send stored before the send was: a row of its own (delivered already), as ingest keeps it. */
	const earlyEcho = async (waMessageId: string) =>
		(
			await db.query<{ id: string }>(
				`INSERT INTO whatsapp_messages (workspace_id, channel_id, conversation_id, wa_message_id, direction, from_me, type, body, status)
				 VALUES ($1, $2, $3, $4, 'outbound', true, 'text', 'Olá', 'delivered') RETURNING id`,
				[ws.workspaceId, ws.channelId, ws.conversationId, waMessageId],
			)
		).rows[0].id;
	/** A read ack that came before the message had its WhatsApp id. */
	const waitingAck = (waMessageId: string) =>
		db.query(`INSERT INTO whatsapp_pending_message_updates (workspace_id, channel_id, wa_message_id, status) VALUES ($1, $2, $3, 'read')`, [ws.workspaceId, ws.channelId, waMessageId]);
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
		const waMessageId = newWaId();
		const copy = await earlyEcho(waMessageId);
		await waitingAck(waMessageId);
		const log = { workspaceId: ws.workspaceId, channelId: ws.channelId, messageId: id, operation: 'outbox_send', method: 'POST', endpoint: '/message/sendText/x', startedAt: Date.now(), request: { number: '5511', text: 'Olá' }, response: { key: { id: waMessageId } } };

		const sent = await markSent(db, { workspaceId: ws.workspaceId, channelId: ws.channelId, id, type: 'text', body: 'Olá' }, waMessageId, new Date(), log);
		expect(sent.removedCopies).toEqual([{ id: copy, conversationId: ws.conversationId }]);
		expect(sent.message).toMatchObject({ id, waMessageId, status: 'read' });
		expect(await row(id)).toMatchObject({ status: 'read', waMessageId, sentAt: expect.any(Date) });
		expect((await db.query('SELECT 1 FROM whatsapp_messages WHERE id = $1', [copy])).rows).toHaveLength(0);
		expect((await db.query('SELECT 1 FROM whatsapp_pending_message_updates WHERE wa_message_id = $1', [waMessageId])).rows).toHaveLength(0);
		expect(await logLines(id)).toEqual([{ operation: 'outbox_send', ok: true, httpStatus: 201 }]);
		// The request and the answer are kept as JSON documents, not as strings of JSON.
		const { rows: logged } = await db.query<{ request: unknown; response: unknown; kinds: string }>(
			`SELECT request, response, jsonb_typeof(request) || ' ' || jsonb_typeof(response) AS kinds FROM whatsapp_logs WHERE message_id = $1`,
			[id],
		);
		expect(logged[0]).toMatchObject({ kinds: 'object object', request: { number: '5511', text: 'Olá' }, response: { key: { id: waMessageId } } });

		// Stored again (an adopted send found later): nothing goes back, no second copy of anything.
		const again = await markSent(db, { workspaceId: ws.workspaceId, channelId: ws.channelId, id, type: 'text', body: 'Olá' }, waMessageId, null);
		expect(again).toMatchObject({ removedCopies: [], message: { id, status: 'read' } });
	});

	it('moves the list line to a message that, sent, is the newest in the thread, and to no other', async () => {
		// A conversation of its own, with three replies queued by one statement (one created_at, in order), the line
		// showing the last one as accepting them leaves it.
		const phone = `5511${9_000_00000 + Math.floor(Math.random() * 99_999_999)}`;
		const conversationId = (
			await db.query<{ id: string }>(
				`WITH ct AS (INSERT INTO contacts (workspace_id, phone_e164, wa_jid) VALUES ($1, '+' || $3, $3 || '@s.whatsapp.net') RETURNING id, wa_jid)
				 INSERT INTO whatsapp_conversations (workspace_id, channel_id, contact_id, chat_jid, last_message_at, last_message_preview, last_message_direction)
				 SELECT $1, $2, ct.id, ct.wa_jid, now(), 'três', 'outbound' FROM ct RETURNING id`,
				[ws.workspaceId, ws.channelId, phone],
			)
		).rows[0].id;
		const texts = ['um', 'dois', 'três'];
		const ids = (
			await db.query<{ id: string }>(
				`INSERT INTO whatsapp_messages (workspace_id, channel_id, conversation_id, direction, from_me, type, body, status, origin, outbox_request)
				 SELECT $1, $2, $3, 'outbound', true, 'text', t.body, 'queued', 'reply', '{"typing": false}'::jsonb FROM unnest($4::text[]) WITH ORDINALITY AS t(body, n)
				 ORDER BY t.n RETURNING id`,
				[ws.workspaceId, ws.channelId, conversationId, texts],
			)
		).rows.map((r) => r.id);
		const line = async () =>
			(await db.query<{ preview: string; direction: string }>('SELECT last_message_preview AS preview, last_message_direction AS direction FROM whatsapp_conversations WHERE id = $1', [conversationId]))
				.rows[0];
		const waId = newWaId;
		// WhatsApp's times are whole seconds, a second after the batch was stored.
		const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 1000);

		// The first one's echo came before its send was stored: ingest kept it as a row of its own, newer than the
		// queued rows, and moved the line to it.
		const first = waId();
		await db.query(
			`INSERT INTO whatsapp_messages (workspace_id, channel_id, conversation_id, wa_message_id, direction, from_me, type, body, status, wa_timestamp)
			 VALUES ($1, $2, $3, $4, 'outbound', true, 'text', 'um', 'sent', $5)`,
			[ws.workspaceId, ws.channelId, conversationId, first, at],
		);
		await db.query(`UPDATE whatsapp_conversations SET last_message_preview = 'um', last_message_at = $2 WHERE id = $1`, [conversationId, at]);
		const send = (i: number, waMessageId = waId(), when = at) =>
			markSent(db, { workspaceId: ws.workspaceId, channelId: ws.channelId, id: ids[i], type: 'text', body: texts[i] }, waMessageId, when);
		expect((await send(0, first)).removedCopies).toHaveLength(1);
		expect(await line()).toEqual({ preview: 'um', direction: 'outbound' });
		// Each later send, in the same second, is the thread's newest once sent: the line follows to the last one.
		await send(1);
		expect(await line()).toEqual({ preview: 'dois', direction: 'outbound' });
		await send(2);
		expect(await line()).toEqual({ preview: 'três', direction: 'outbound' });
		const thread = await db.query<{ body: string }>(
			`SELECT body FROM whatsapp_messages WHERE conversation_id = $1 ORDER BY thread_at DESC, thread_seq DESC LIMIT 1`,
			[conversationId],
		);
		expect(thread.rows[0].body).toBe('três');

		// The contact answered after that; a note was written after that: an older queued message sent now is not the
		// newest (the answer is), so the line keeps the answer. A note neither shows on the line nor holds it back.
		await db.query(
			`INSERT INTO whatsapp_messages (workspace_id, channel_id, conversation_id, wa_message_id, direction, from_me, type, body, status, wa_timestamp)
			 VALUES ($1, $2, $3, $4, 'inbound', false, 'text', 'obrigado', 'delivered', $5)`,
			[ws.workspaceId, ws.channelId, conversationId, waId(), new Date(at.getTime() + 60_000)],
		);
		await db.query(`UPDATE whatsapp_conversations SET last_message_preview = 'obrigado', last_message_direction = 'inbound', last_message_at = $2 WHERE id = $1`, [
			conversationId,
			new Date(at.getTime() + 60_000),
		]);
		const late = (
			await db.query<{ id: string }>(
				`INSERT INTO whatsapp_messages (workspace_id, channel_id, conversation_id, direction, from_me, type, body, status, origin, outbox_request, created_at)
				 VALUES ($1, $2, $3, 'outbound', true, 'text', 'atrasada', 'queued', 'reply', '{"typing": false}'::jsonb, $4) RETURNING id`,
				[ws.workspaceId, ws.channelId, conversationId, new Date(at.getTime() + 30_000)],
			)
		).rows[0].id;
		await markSent(db, { workspaceId: ws.workspaceId, channelId: ws.channelId, id: late, type: 'text', body: 'atrasada' }, waId(), new Date(at.getTime() + 30_000));
		expect(await line()).toEqual({ preview: 'obrigado', direction: 'inbound' });
		const reply = (
			await db.query<{ id: string }>(
				`INSERT INTO whatsapp_messages (workspace_id, channel_id, conversation_id, direction, from_me, type, body, status, origin, outbox_request)
				 VALUES ($1, $2, $3, 'outbound', true, 'image', 'catálogo', 'queued', 'reply', '{"typing": false}'::jsonb) RETURNING id`,
				[ws.workspaceId, ws.channelId, conversationId],
			)
		).rows[0].id;
		await db.query(
			`INSERT INTO whatsapp_messages (workspace_id, channel_id, conversation_id, direction, from_me, type, body, status, created_at)
			 VALUES ($1, $2, $3, 'internal', false, 'note', 'ligar amanhã', 'sent', $4)`,
			[ws.workspaceId, ws.channelId, conversationId, new Date(at.getTime() + 100_000)],
		);
		await markSent(db, { workspaceId: ws.workspaceId, channelId: ws.channelId, id: reply, type: 'image', body: 'catálogo' }, waId(), new Date(at.getTime() + 90_000));
		expect(await line()).toEqual({ preview: '📷 Photo: catálogo', direction: 'outbound' });
	});

	it('claims and stores the sends of several messages in one statement each, every one answered as if alone', async () => {
		const reply = await queued();
		const proactive = await queued({ origin: 'proactive' });
		const inbound = (
			await db.query<{ id: string }>(
				`INSERT INTO whatsapp_messages (workspace_id, channel_id, conversation_id, direction, from_me, type, body, status) VALUES ($1, $2, $3, 'inbound', false, 'text', 'Oi', 'delivered') RETURNING id`,
				[ws.workspaceId, ws.channelId, ws.conversationId],
			)
		).rows[0].id;
		const other = await queued();
		const claims = await claimOrLoadMany(
			db,
			[reply, proactive, inbound, other].map((messageId, i) => ({ messageId, claimFor: i === 3 ? null : ws.channelId })),
			MAX_SEND_ATTEMPTS,
		);
		expect(claims).toEqual([
			{ claimedAttempt: 1, row: expect.objectContaining({ id: reply, attempts: 0 }) },
			{ claimedAttempt: null, row: expect.objectContaining({ id: proactive, origin: 'proactive' }) },
			undefined,
			{ claimedAttempt: null, row: expect.objectContaining({ id: other, attempts: 0 }) },
		]);
		expect(await row(reply)).toMatchObject({ attempts: 1, sendingSince: expect.any(Date) });
		expect(await row(other)).toMatchObject({ attempts: 0, sendingSince: null });
		await expect(claimOrLoadMany(db, [reply, reply].map((messageId) => ({ messageId, claimFor: ws.channelId })), MAX_SEND_ATTEMPTS)).rejects.toThrow(/twice/);

		// Two sends stored together: the first's echo came early (delivered), the second has a read ack waiting.
		const [firstWa, secondWa] = [newWaId(), newWaId()];
		const copy = await earlyEcho(firstWa);
		await waitingAck(secondWa);
		const send = (id: string, waMessageId: string) => ({
			ref: { workspaceId: ws.workspaceId, channelId: ws.channelId, id, type: 'text' as const, body: 'Olá' },
			waMessageId,
			waTimestamp: new Date(),
			log: { workspaceId: ws.workspaceId, channelId: ws.channelId, messageId: id, operation: 'outbox_send', method: 'POST', endpoint: '/message/sendText/x', startedAt: Date.now(), request: { text: 'Olá' }, response: { key: { id: waMessageId } } },
		});
		const stored = await markSentMany(db, [send(reply, firstWa), send(other, secondWa)]);
		expect(stored).toEqual([
			{ removedCopies: [{ id: copy, conversationId: ws.conversationId }], message: expect.objectContaining({ id: reply, waMessageId: firstWa, status: 'delivered' }) },
			{ removedCopies: [], message: expect.objectContaining({ id: other, waMessageId: secondWa, status: 'read' }) },
		]);
		expect(await row(reply)).toMatchObject({ status: 'delivered', waMessageId: firstWa, sentAt: expect.any(Date), sendingSince: null });
		expect(await row(other)).toMatchObject({ status: 'read', waMessageId: secondWa, sentAt: expect.any(Date) });
		expect((await db.query('SELECT 1 FROM whatsapp_messages WHERE id = $1', [copy])).rows).toHaveLength(0);
		expect((await db.query('SELECT 1 FROM whatsapp_pending_message_updates WHERE wa_message_id = $1', [secondWa])).rows).toHaveLength(0);
		for (const id of [reply, other]) expect(await logLines(id)).toEqual([{ operation: 'outbox_send', ok: true, httpStatus: 201 }]);
		// A message that is not there any more answers nothing, and stops nothing.
		const gone = await queued();
		await db.query('DELETE FROM whatsapp_messages WHERE id = $1', [gone]);
		const last = await queued();
		const lastWa = newWaId();
		expect(await markSentMany(db, [send(gone, newWaId()), send(last, lastWa)])).toEqual([
			{ removedCopies: [], message: undefined },
			{ removedCopies: [], message: expect.objectContaining({ id: last, status: 'sent', waMessageId: lastWa }) },
		]);
	});

	it('still stores the send when its log line cannot be written', async () => {
		const id = await queued();
		const waMessageId = newWaId();
		// A log line naming a channel that does not exist: its insert fails (foreign key), the send must not.
		const log = { workspaceId: ws.workspaceId, channelId: '00000000-0000-4000-8000-000000000002', messageId: id, operation: 'outbox_send', method: 'POST', endpoint: '/message/sendText/x', startedAt: Date.now() };
		const sent = await markSent(db, { workspaceId: ws.workspaceId, channelId: ws.channelId, id, type: 'text', body: 'Olá' }, waMessageId, null, log);
		expect(sent.message).toMatchObject({ id, waMessageId, status: 'sent' });
		expect(await row(id)).toMatchObject({ status: 'sent', waMessageId, sentAt: expect.any(Date) });
		expect(await claimOrLoad(db, id, ws.channelId, MAX_SEND_ATTEMPTS)).toMatchObject({ claimedAttempt: null, row: { status: 'sent' } });
	});
});
