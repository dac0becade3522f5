import type { Db } from '../../src/db/db';
import { RETRY_DELAYS_MS } from '../../src/outbox/send-schedule';
import { ADAPTERS, eventually } from '../inbox/support/inbox-app';
import { LONG, startOutboxHarness, TIME_SCALE, type OutboxHarness } from './support/outbox-harness';

/**
 * The outbox's send path against the sandbox, on both database adapters with the real Redis: a reply goes out once
 * and its echo and acks land on the same row; clientId idempotency; the back-off schedule and attempt count (time
 * scaled); permanent errors not retried; Retry-After honoured; no double send when the answer is lost after the
 * message went out.
 */
describe.each(ADAPTERS)('outbox sending on %s', (_name, open: () => Promise<Db>) => {
	let h: OutboxHarness;
	const logLines: string[] = [];
	beforeAll(async () => {
		h = await startOutboxHarness(open, {}, { logLines });
	});
	afterAll(async () => {
		await h?.close();
	});

	const send = (conversationId: string, body: Record<string, unknown>) => h.server.call('POST', `/api/v1/conversations/${conversationId}/messages`, h.admin, { typing: false, ...body });
	const logsOf = async (messageId: string) =>
		(
			await h.db.query<{ at: Date; ok: boolean; status: number | null; operation: string; request: any }>(
				`SELECT created_at AS at, ok, http_status AS status, operation, request FROM whatsapp_logs WHERE message_id = $1 AND operation = 'outbox_send' ORDER BY id`,
				[messageId],
			)
		).rows;

	it('answers 202 with the queued row, sends once, and the echo and acks land on that row', async () => {
		const channel = await h.channel();
		const conversation = await h.conversation(channel);
		const text = `Temos horário às 10h ${Date.now()}`;
		const answer = await send(conversation.id, { text });
		expect(answer.statusCode).toBe(202);
		const queued = answer.json();
		expect(queued).toMatchObject({ status: 'queued', direction: 'outbound', fromMe: true, type: 'text', body: text, origin: 'reply', attempts: 0, conversationId: conversation.id });

		const read = await h.waitRow(queued.id, (row) => row.status === 'read');
		expect(read.attempts).toBe(1);
		const { body } = await h.sandbox.get('/_sandbox/sends');
		const sent = (body.sends as Array<{ id: string; text: string }>).filter((s) => s.text === text);
		expect(sent).toHaveLength(1);
		expect(read.wa_message_id).toBe(sent[0].id);
		// One row for this message: the send.message echo did not become a second copy.
		await eventually(async () => {
			const { rows } = await h.db.query('SELECT id FROM whatsapp_messages WHERE conversation_id = $1 AND body = $2', [conversation.id, text]);
			expect(rows).toEqual([{ id: queued.id }]);
		}, LONG);
		// Logged upstream (redacted), published in the REST shape.
		const logs = await logsOf(queued.id);
		expect(logs).toHaveLength(1);
		expect(logs[0]).toMatchObject({ ok: true, status: 201 });
		await eventually(() => expect(h.events.some((e) => e.type === 'message.created' && (e.data.message as { id: string }).id === queued.id)).toBe(true));
		// The send's own update: 'sent', or further when the echo and acks arrived before the answer and were folded in.
		const sentOrLater = ['sent', 'server_ack', 'delivered', 'read'];
		await eventually(() => expect(h.events.some((e) => e.type === 'message.updated' && (e.data.message as { id: string }).id === queued.id && sentOrLater.includes((e.data.message as { status: string }).status))).toBe(true));
	});

	it('gives back the same message for the same clientId, and sends it once', async () => {
		const channel = await h.channel();
		const conversation = await h.conversation(channel);
		const text = `Idempotente ${Date.now()}`;
		const clientId = `n8n-${Date.now()}`;
		const answers = await Promise.all([send(conversation.id, { text, clientId }), send(conversation.id, { text, clientId }), send(conversation.id, { text: 'other text', clientId })]);
		expect(answers.map((a) => a.statusCode)).toEqual([202, 202, 202]);
		const ids = new Set(answers.map((a) => a.json().id));
		expect(ids.size).toBe(1);
		const [id] = [...ids];
		await h.waitRow(id, (row) => row.status !== 'queued');
		// Again after it was sent: still the same row, nothing new sent.
		const again = await send(conversation.id, { text, clientId });
		expect(again.json()).toMatchObject({ id, clientMessageId: clientId });
		await new Promise((r) => setTimeout(r, 500));
		// The three requests race: whichever reached the database first made the message, and its text is the one sent,
		// once; the other text was never sent.
		const made = (await h.row(id)).body as string;
		expect([text, 'other text']).toContain(made);
		expect(await h.sendsOf(made)).toBe(1);
		expect(await h.sendsOf(made === text ? 'other text' : text)).toBe(0);
	});

	it('retries at 10 s → 30 s → 60 s → 2 min (scaled), five attempts in all, then a final check after 5 min and failed', async () => {
		const channel = await h.channel();
		const conversation = await h.conversation(channel);
		await h.sandbox.post('/_sandbox/faults', { route: `/message/sendText/${channel.name}`, errorRate: 1, errorStatus: 503 });
		const queued = (await send(conversation.id, { text: `Falha ${Date.now()}` })).json();
		const failed = await h.waitRow(queued.id, (row) => row.status === 'failed');
		expect(failed).toMatchObject({ attempts: 5, error_code: 'http_503' });
		expect(failed.error).toContain('503');
		const logs = await logsOf(queued.id);
		expect(logs).toHaveLength(5);
		expect(logs.every((l) => !l.ok && l.status === 503)).toBe(true);
		// Each wait is at least its scheduled delay (lower bounds only: a loaded machine may be later, never earlier).
		for (let i = 1; i < logs.length; i++) {
			expect(logs[i].at.getTime() - logs[i - 1].at.getTime()).toBeGreaterThanOrEqual(RETRY_DELAYS_MS[i - 1] * TIME_SCALE - 20);
		}
		expect(new Date(failed.failed_at).getTime() - logs[4].at.getTime()).toBeGreaterThanOrEqual(RETRY_DELAYS_MS[4] * TIME_SCALE - 20);
		// A severe log line names the message (pino level 50: error).
		const severe = logLines.map((line) => JSON.parse(line)).filter((entry) => entry.messageId === queued.id && entry.level >= 50);
		expect(severe).toEqual([expect.objectContaining({ msg: 'outbox: message failed after every attempt', attempts: 5 })]);
	});

	it('does not retry a number that is not on WhatsApp (the 400 exists:false)', async () => {
		const channel = await h.channel();
		const conversation = await h.conversation(channel, '5511955550000');
		const queued = (await send(conversation.id, { text: 'Olá?' })).json();
		const failed = await h.waitRow(queued.id, (row) => row.status === 'failed');
		expect(failed).toMatchObject({ attempts: 1, error_code: 'not_on_whatsapp' });
		await new Promise((r) => setTimeout(r, RETRY_DELAYS_MS[0] * TIME_SCALE * 3));
		expect(await logsOf(queued.id)).toHaveLength(1);
	});

	it('does not retry other permanent 4xx (a 400 of another kind, 401, 403, 404): one attempt each, failed with the error kept', async () => {
		const channel = await h.channel();
		const conversation = await h.conversation(channel);
		// As Evolution words them (CONTRACT §1.3); each answered once only, so a second attempt would have gone out.
		const refusals: Array<[status: number, errorMessage: unknown, kept: string]> = [
			[400, [['instance requires property "text"']], 'instance requires property "text"'],
			[401, undefined, 'Unauthorized'],
			[403, undefined, 'Sandbox injected fault'],
			[404, undefined, `The "${channel.name}" instance does not exist`],
		];
		for (const [status, errorMessage, kept] of refusals) {
			await h.sandbox.post('/_sandbox/faults', { route: `/message/sendText/${channel.name}`, errorStatus: status, errorMessage, times: 1 });
			const text = `Recusada com ${status} ${Date.now()}`;
			const queued = (await send(conversation.id, { text })).json();
			const failed = await h.waitRow(queued.id, (row) => row.status === 'failed');
			expect(failed).toMatchObject({ attempts: 1, error_code: `http_${status}` });
			expect(failed.error).toContain(`Evolution answered ${status}`);
			expect(failed.error).toContain(kept);
			expect((await logsOf(queued.id)).map((l) => [l.ok, l.status])).toEqual([[false, status]]);
			expect(await h.sendsOf(text)).toBe(0);
		}
		// Refusals of single messages, not of the channel: the next send goes out.
		const after = (await send(conversation.id, { text: `Depois das recusas ${Date.now()}` })).json();
		expect((await h.waitRow(after.id, (row) => row.status !== 'queued')).status).not.toBe('failed');
	});

	it('retries a 5xx: Evolution’s uncaught error once, then sent on the next attempt', async () => {
		const channel = await h.channel();
		const conversation = await h.conversation(channel);
		await h.sandbox.post('/_sandbox/faults', {
			route: `/message/sendText/${channel.name}`,
			errorStatus: 500,
			errorMessage: "Cannot read properties of undefined (reading 'onWhatsApp')",
			times: 1,
		});
		const text = `Depois do 500 ${Date.now()}`;
		const queued = (await send(conversation.id, { text })).json();
		const sent = await h.waitRow(queued.id, (row) => row.status !== 'queued');
		expect(sent).toMatchObject({ attempts: 2, error_code: null });
		expect(sent.status).not.toBe('failed');
		const logs = await logsOf(queued.id);
		expect(logs.map((l) => [l.ok, l.status])).toEqual([
			[false, 500],
			[true, 201],
		]);
		expect(logs[1].at.getTime() - logs[0].at.getTime()).toBeGreaterThanOrEqual(RETRY_DELAYS_MS[0] * TIME_SCALE - 20);
		expect(await h.sendsOf(text)).toBe(1);
	});

	it('waits for a 429 Retry-After without using up an attempt', async () => {
		const channel = await h.channel();
		const conversation = await h.conversation(channel);
		await h.sandbox.post('/_sandbox/faults', { route: `/message/sendText/${channel.name}`, rateLimit: { retryAfterSeconds: 1 }, times: 1 });
		const text = `Depois do 429 ${Date.now()}`;
		const queued = (await send(conversation.id, { text })).json();
		const sent = await h.waitRow(queued.id, (row) => row.status !== 'queued');
		expect(sent.status).not.toBe('failed');
		expect(sent.attempts).toBe(1);
		const logs = await logsOf(queued.id);
		expect(logs.map((l) => l.status)).toEqual([429, 201]);
		expect(logs[1].at.getTime() - logs[0].at.getTime()).toBeGreaterThanOrEqual(1000 - 20);
		expect(await h.sendsOf(text)).toBe(1);
	});

	it.each([
		['the connection drops right after the send', { dropAnswer: true }],
		['the answer never comes (timeout)', { dropAnswer: true, hangMs: 4_000 }],
	])('does not send twice when %s', async (_what, fault) => {
		const channel = await h.channel();
		const conversation = await h.conversation(channel);
		await h.sandbox.post('/_sandbox/faults', { route: `/message/sendText/${channel.name}`, times: 1, ...fault });
		const text = `Uma vez só ${Date.now()}`;
		const queued = (await send(conversation.id, { text })).json();
		const done = await h.waitRow(queued.id, (row) => row.status !== 'queued' && row.status !== 'sent');
		expect(done.status).not.toBe('failed');
		// Wait past the whole retry schedule: no second send may follow.
		await new Promise((r) => setTimeout(r, RETRY_DELAYS_MS.slice(0, 2).reduce((a, b) => a + b, 0) * TIME_SCALE + 500));
		expect(await h.sendsOf(text)).toBe(1);
		const { body } = await h.sandbox.get('/_sandbox/sends');
		expect(done.wa_message_id).toBe((body.sends as Array<{ id: string; text: string }>).find((s) => s.text === text)!.id);
		expect(done.attempts).toBe(1);
		const { rows } = await h.db.query('SELECT id FROM whatsapp_messages WHERE conversation_id = $1 AND body = $2', [conversation.id, text]);
		expect(rows).toHaveLength(1);
		// The echo came while the send was in doubt and was stored as a row of its own (message.created): once folded
		// into the send's row, pages are told to drop that copy, or the thread would show the message twice.
		const copies = h.events
			.map((e) => ({ type: e.type, conversationId: e.conversationId, message: e.data.message as { id: string; body: string } }))
			.filter((e) => e.type === 'message.created' && e.conversationId === conversation.id && e.message.body === text && e.message.id !== queued.id)
			.map((e) => e.message.id);
		if ('hangMs' in fault) expect(copies.length).toBeGreaterThan(0);
		await eventually(() => {
			const removed = h.events.filter((e) => e.type === ('message.removed' as string)).map((e) => e.data as { id: string; replacedBy: string });
			for (const id of copies) expect(removed).toContainEqual(expect.objectContaining({ id, replacedBy: queued.id }));
		});
	});

	it('finds the message through /chat/findMessages when no echo came after a lost answer, and does not send it again', async () => {
		const channel = await h.channel();
		const conversation = await h.conversation(channel);
		// No webhooks from this instance any more: the send.message echo can never reach the server.
		const { url } = (await h.sandbox.get(`/webhook/find/${channel.name}`)).body as { url: string };
		expect((await h.sandbox.post(`/webhook/set/${channel.name}`, { webhook: { enabled: false, url } })).status).toBe(201);
		await h.sandbox.post('/_sandbox/faults', { route: `/message/sendText/${channel.name}`, times: 1, dropAnswer: true });
		const text = `Achada no Evolution ${Date.now()}`;
		const queued = (await send(conversation.id, { text })).json();
		const done = await h.waitRow(queued.id, (row) => row.status !== 'queued');
		expect(done.status).toBe('sent');
		await new Promise((r) => setTimeout(r, RETRY_DELAYS_MS.slice(0, 2).reduce((a, b) => a + b, 0) * TIME_SCALE + 500));
		expect(await h.sendsOf(text)).toBe(1);
		const { body } = await h.sandbox.get('/_sandbox/sends');
		expect(done.wa_message_id).toBe((body.sends as Array<{ id: string; text: string }>).find((s) => s.text === text)!.id);
		expect(done.attempts).toBe(1);
		const lookups = await h.db.query<{ ok: boolean; endpoint: string }>(`SELECT ok, endpoint FROM whatsapp_logs WHERE message_id = $1 AND operation = 'outbox_lookup'`, [queued.id]);
		expect(lookups.rows).toEqual([{ ok: true, endpoint: `/chat/findMessages/${channel.name}` }]);
	});

	it('never sends a private note', async () => {
		const channel = await h.channel();
		const conversation = await h.conversation(channel);
		const note = await h.server.call('POST', `/api/v1/conversations/${conversation.id}/notes`, h.admin, { body: 'nota interna secreta' });
		expect(note.statusCode).toBe(201);
		expect((await send(conversation.id, { type: 'note', text: 'nota interna secreta' })).statusCode).toBe(400);
		const quoting = await send(conversation.id, { text: 'respondendo a nota', replyToMessageId: note.json().id });
		expect(quoting.statusCode).toBe(422);
		// Even a job naming the note's id does nothing: the worker only sends outbox rows.
		await h.server.runtime.outbox!.enqueue(channel.id, note.json().id);
		expect(await h.server.runtime.outbox!.sender.step(note.json().id)).toEqual({ kind: 'done' });
		await new Promise((r) => setTimeout(r, 300));
		expect(await h.sendsOf('nota interna secreta')).toBe(0);
		expect((await h.row(note.json().id)).status).toBe('sent');
	});
});
