import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Db } from '../../src/db/db';
import { outboxQueueName } from '../../src/outbox/outbox-queues';
import { testRedisUrl } from '../../../test/support/test-database';
import { ADAPTERS, eventually } from '../inbox/support/inbox-app';
import { LONG, startOutboxHarness, type OutboxHarness } from './support/outbox-harness';

/**
 * The outbox's protections on both database adapters: opt-out words, the circuit breaker opening and closing by a
 * connectionState probe, a logout holding (never failing) messages, the reconciler after Redis lost every job, and
 * notes never reaching a send.
 */
describe.each(ADAPTERS)('outbox protections on %s', (_name, open: () => Promise<Db>) => {
	let h: OutboxHarness;
	let redis: Redis;
	beforeAll(async () => {
		h = await startOutboxHarness(open);
		redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 2 });
	});
	afterAll(async () => {
		redis?.disconnect();
		await h?.close();
	});

	const call = (method: string, url: string, body?: unknown) => h.server.call(method, url, h.admin, body);
	const send = (conversationId: string, body: Record<string, unknown>) => call('POST', `/api/v1/conversations/${conversationId}/messages`, { typing: false, ...body });
	const channelView = async (id: string) => (await call('GET', `/api/v1/channels/${id}`)).json();
	const sendsOn = async (instance: string) => (await h.sandbox.get(`/_sandbox/sends?instance=${instance}`)).body.sends as Array<{ text: string }>;

	it('marks a contact who writes an opt-out word; proactive sends to them are refused, replies still go', async () => {
		const channel = await h.channel();
		const conversation = await h.conversation(channel);
		await h.sandbox.post(`/_sandbox/instances/${channel.name}/messages`, { type: 'text', from: conversation.from, text: 'não quero parar de receber' });
		await h.sandbox.post(`/_sandbox/instances/${channel.name}/messages`, { type: 'text', from: conversation.from, text: ' Sair! ' });
		const contact = await eventually(async () => {
			const { rows } = await h.db.query<{ at: Date | null; word: string | null }>('SELECT opted_out_at AS at, opted_out_word AS word FROM contacts WHERE id = $1', [conversation.contactId]);
			expect(rows[0].at).not.toBeNull();
			return rows[0];
		}, LONG);
		expect(contact.word).toBe('SAIR');
		// They just wrote: a reply is allowed.
		const reply = await send(conversation.id, { text: 'Tudo bem, você foi removido.' });
		expect(reply.json()).toMatchObject({ origin: 'reply' });
		expect((await h.waitRow(reply.json().id, (row) => row.status !== 'queued')).status).not.toBe('failed');
		// …but a campaign (the batch route) is not a reply: refused even inside the window.
		const campaign = await call('POST', '/api/v1/messages/batch', { channelId: channel.id, messages: [{ to: `+${conversation.from}`, text: 'Oferta da semana!' }] });
		expect(campaign.json().data[0].error.code).toBe('opted_out');
		// A day later, anything to them is proactive: refused, through either route.
		await h.db.query(`UPDATE whatsapp_conversations SET last_inbound_at = now() - interval '2 days' WHERE id = $1`, [conversation.id]);
		const refused = await send(conversation.id, { text: 'Promoção!' });
		expect(refused.statusCode).toBe(422);
		expect(refused.json().error.code).toBe('opted_out');
		const byPhone = await call('POST', '/api/v1/messages', { channelId: channel.id, to: `+${conversation.from}`, text: 'Promoção!' });
		expect(byPhone.json().error.code).toBe('opted_out');
		const batch = await call('POST', '/api/v1/messages/batch', { channelId: channel.id, messages: [{ to: `+${conversation.from}`, text: 'Promoção!' }] });
		expect(batch.json().data[0].error.code).toBe('opted_out');
		expect((await sendsOn(channel.name)).map((s) => s.text)).not.toContain('Promoção!');
		expect((await sendsOn(channel.name)).map((s) => s.text)).not.toContain('Oferta da semana!');
	});

	it('opens the breaker after consecutive failures (messages stay queued, the channel says why) and closes it by probing connectionState', async () => {
		const channel = await h.channel();
		const conversation = await h.conversation(channel);
		const sendFault = (await h.sandbox.post('/_sandbox/faults', { route: `/message/sendText/${channel.name}`, errorRate: 1, errorStatus: 503 })).body;
		const probeFault = (await h.sandbox.post('/_sandbox/faults', { route: `/instance/connectionState/${channel.name}`, errorRate: 1, errorStatus: 503 })).body;
		const ids: string[] = [];
		for (let i = 0; i < 3; i++) ids.push((await send(conversation.id, { text: `durante a pane ${i}` })).json().id);
		const view = await eventually(async () => {
			const current = await channelView(channel.id);
			expect(current.outboxPausedReason).toBe('breaker_open');
			return current;
		}, LONG);
		expect(view.outboxPausedDetail).toContain('in a row');
		// Held, not failed, and no further attempts while open.
		const held = await h.db.query<{ status: string; attempts: number }>('SELECT status, attempts FROM whatsapp_messages WHERE id = ANY($1::uuid[])', [ids]);
		expect(held.rows.every((r) => r.status === 'queued' && r.attempts < 5)).toBe(true);
		const attemptsThen = held.rows.reduce((sum, r) => sum + r.attempts, 0);
		await new Promise((r) => setTimeout(r, 1500));
		const later = await h.db.query<{ attempts: number }>('SELECT attempts FROM whatsapp_messages WHERE id = ANY($1::uuid[])', [ids]);
		expect(later.rows.reduce((sum, r) => sum + r.attempts, 0)).toBe(attemptsThen);

		await h.sandbox.delete(`/_sandbox/faults/${sendFault.id}`);
		await h.sandbox.delete(`/_sandbox/faults/${probeFault.id}`);
		await eventually(async () => expect((await channelView(channel.id)).outboxPausedReason).toBeNull(), LONG);
		for (const id of ids) expect((await h.waitRow(id, (row) => row.status !== 'queued')).status).not.toBe('failed');
		expect((await sendsOn(channel.name)).filter((s) => s.text.startsWith('durante a pane'))).toHaveLength(3);
	});

	it('opens the breaker at once on a 429', async () => {
		const channel = await h.channel();
		const conversation = await h.conversation(channel);
		await h.sandbox.post('/_sandbox/faults', { route: `/message/sendText/${channel.name}`, rateLimit: { retryAfterSeconds: 1 }, times: 1 });
		const id = (await send(conversation.id, { text: 'depois do limite' })).json().id;
		await eventually(async () => expect((await channelView(channel.id)).outboxPausedReason).toBe('breaker_open'), LONG);
		expect((await h.waitRow(id, (row) => row.status !== 'queued')).status).not.toBe('failed');
		await eventually(async () => expect((await channelView(channel.id)).outboxPausedReason).toBeNull(), LONG);
	});

	it('auto-pauses proactive sends after 5 failures in a row (replies still go) until an admin resumes them', async () => {
		const channel = await h.channel();
		await call('PATCH', `/api/v1/channels/${channel.id}`, { settings: { outbox: { perMinute: 1000, warmup: false } } });
		// Numbers the sandbox's WhatsApp does not know (…0000): permanent refusals, so the breaker itself stays closed.
		const campaign = await call('POST', '/api/v1/messages/batch', {
			channelId: channel.id,
			messages: Array.from({ length: 5 }, (_v, i) => ({ to: `+5511913${i}10000`, text: `sem WhatsApp ${i}`, typing: false })),
		});
		for (const item of campaign.json().data as Array<{ id: string }>) expect((await h.waitRow(item.id, (row) => row.status !== 'queued')).status).toBe('failed');
		const view = await eventually(async () => {
			const current = await channelView(channel.id);
			expect(current.outboxPausedReason).toBe('proactive_paused');
			return current;
		}, LONG);
		expect(view.outboxPausedDetail).toContain('5 of 5 proactive sends failed');

		// Held, not failed: a proactive send waits; a reply to a contact who just wrote still goes out.
		const held = (await call('POST', '/api/v1/messages', { channelId: channel.id, to: '+5511913712345', text: 'campanha em pausa', typing: false })).json();
		const conversation = await h.conversation(channel);
		const reply = (await send(conversation.id, { text: 'resposta durante a pausa' })).json();
		expect(reply.origin).toBe('reply');
		expect((await h.waitRow(reply.id, (row) => row.status !== 'queued')).status).not.toBe('failed');
		await new Promise((r) => setTimeout(r, 1000));
		expect(await h.row(held.id)).toMatchObject({ status: 'queued', attempts: 0 });
		expect((await sendsOn(channel.name)).map((s) => s.text)).not.toContain('campanha em pausa');

		// An admin resumes them: the held message goes out, once.
		const resumed = await call('POST', `/api/v1/channels/${channel.id}/outbox/resume`);
		expect(resumed.statusCode).toBe(200);
		expect(resumed.json()).toEqual({ resumed: true });
		expect((await channelView(channel.id)).outboxPausedReason).toBeNull();
		expect((await h.waitRow(held.id, (row) => row.status !== 'queued')).status).not.toBe('failed');
		expect((await sendsOn(channel.name)).filter((s) => s.text === 'campanha em pausa')).toHaveLength(1);
	});

	it('auto-pauses proactive sends when more than half of 10 failed, none 5 in a row', async () => {
		const channel = await h.channel();
		await call('PATCH', `/api/v1/channels/${channel.id}`, { settings: { outbox: { perMinute: 1000, warmup: false } } });
		// ok, no, ok, no, ok, no, no, ok, no, no: 6 of 10 failed, never more than 2 in a row.
		const fails = [false, true, false, true, false, true, true, false, true, true];
		const ids: string[] = [];
		for (const [i, fail] of fails.entries()) {
			const answer = await call('POST', '/api/v1/messages', { channelId: channel.id, to: `+5511914${i}2${fail ? '0000' : '1234'}`, text: `metade ${i}`, typing: false });
			expect(answer.statusCode).toBe(202);
			ids.push(answer.json().id);
			// One at a time, so the outcomes reach the breaker in this order.
			const { status } = await h.waitRow(ids[i], (row) => row.status !== 'queued');
			if (fail) expect(status).toBe('failed');
			else expect(status).not.toBe('failed');
			if (i < fails.length - 1) expect((await channelView(channel.id)).outboxPausedReason).toBeNull();
		}
		const view = await eventually(async () => {
			const current = await channelView(channel.id);
			expect(current.outboxPausedReason).toBe('proactive_paused');
			return current;
		}, LONG);
		expect(view.outboxPausedDetail).toContain('6 of 10 proactive sends failed (2 in a row)');
	});

	it('holds messages while the number is logged out, and sends them once it is paired again', async () => {
		const channel = await h.channel();
		const conversation = await h.conversation(channel);
		await h.sandbox.post(`/_sandbox/instances/${channel.name}/logout`);
		await eventually(async () => expect((await channelView(channel.id)).status).toBe('logged_out'), LONG);
		const id = (await send(conversation.id, { text: 'enquanto deslogado' })).json().id;
		await new Promise((r) => setTimeout(r, 1500));
		expect(await h.row(id)).toMatchObject({ status: 'queued', attempts: 0 });
		expect((await sendsOn(channel.name)).map((s) => s.text)).not.toContain('enquanto deslogado');

		expect((await call('POST', `/api/v1/channels/${channel.id}/connect`, {})).statusCode).toBeLessThan(300);
		await h.sandbox.post(`/_sandbox/instances/${channel.name}/scan`, { number: '5511999990001', profileName: 'ACME' });
		await eventually(async () => expect((await channelView(channel.id)).status).toBe('connected'), LONG);
		expect((await h.waitRow(id, (row) => row.status !== 'queued')).status).not.toBe('failed');
		expect((await sendsOn(channel.name)).filter((s) => s.text === 'enquanto deslogado')).toHaveLength(1);
	});

	it('holds messages while the connection is closed (connection.update close), and sends them once it is open again', async () => {
		const channel = await h.channel();
		const conversation = await h.conversation(channel);
		// The phone loses its connection; WhatsApp lets it back in 4 s later.
		expect((await h.sandbox.post(`/_sandbox/instances/${channel.name}/drop`, { reconnect: true, reconnectAfterMs: 4000 })).status).toBeLessThan(300);
		await eventually(async () => expect((await channelView(channel.id)).status).not.toBe('connected'), LONG);
		const id = (await send(conversation.id, { text: 'enquanto desconectado' })).json().id;
		await eventually(async () => expect((await channelView(channel.id)).status).toBe('connected'), LONG);
		expect((await h.waitRow(id, (row) => row.status !== 'queued')).status).not.toBe('failed');
		// Never tried on the closed connection (that would be a failed attempt, logged): one attempt, one call.
		expect(await h.row(id)).toMatchObject({ attempts: 1 });
		const calls = await h.db.query(`SELECT ok FROM whatsapp_logs WHERE message_id = $1 AND operation = 'outbox_send'`, [id]);
		expect(calls.rows).toEqual([{ ok: true }]);
		expect((await sendsOn(channel.name)).filter((s) => s.text === 'enquanto desconectado')).toHaveLength(1);
	});

	it('puts the jobs back after Redis lost them (every key of the queues deleted), and the one-at-a-time rule: each message is sent exactly once', async () => {
		const channel = await h.channel();
		// Held by a closed send window: delayed jobs in Redis, rows queued.
		expect((await call('PATCH', `/api/v1/channels/${channel.id}`, { settings: { outbox: { sendWindow: { startHour: 9, endHour: 18, days: [] }, warmup: false } } })).statusCode).toBe(200);
		const batch = await call('POST', '/api/v1/messages/batch', {
			channelId: channel.id,
			messages: Array.from({ length: 12 }, (_v, i) => ({ to: `+55119135${String(20_001 + i).padStart(5, '0')}`, text: `Depois da perda ${i}`, typing: false })),
		});
		const ids = (batch.json().data as Array<{ id: string }>).map((d) => d.id);
		const prefix = h.server.runtime.config.queuePrefix!;
		const queue = new Queue(outboxQueueName(channel.id), { connection: redis, prefix });
		expect(await queue.getGlobalConcurrency()).toBe(1);
		// What FLUSHALL does to this server, without touching other suites sharing the test Redis.
		const keys = await redis.keys(`${prefix}:outbox-${channel.id}*`);
		// The queue's meta key (where BullMQ keeps the global concurrency) goes with the jobs.
		expect(keys).toContain(`${prefix}:outbox-${channel.id}:meta`);
		await redis.del(...keys);
		// The reconciler sets the channel's global concurrency again: without it two replicas could send at once.
		await eventually(async () => expect(await queue.getGlobalConcurrency()).toBe(1), LONG);
		await queue.close();
		expect((await call('PATCH', `/api/v1/channels/${channel.id}`, { settings: { outbox: { warmup: false } } })).statusCode).toBe(200);
		for (const id of ids) expect((await h.waitRow(id, (row) => row.status !== 'queued')).status).not.toBe('failed');
		await new Promise((r) => setTimeout(r, 1000));
		const texts = (await sendsOn(channel.name)).map((s) => s.text);
		for (let i = 0; i < 12; i++) expect(texts.filter((t) => t === `Depois da perda ${i}`)).toHaveLength(1);
	});

	it('never queues a private note, whatever the route', async () => {
		const channel = await h.channel();
		const conversation = await h.conversation(channel);
		const note = (await call('POST', `/api/v1/conversations/${conversation.id}/notes`, { body: 'segredo da equipe' })).json();
		const attempts = [
			await send(conversation.id, { type: 'note', text: 'segredo da equipe' }),
			await call('POST', '/api/v1/messages', { channelId: channel.id, to: `+${conversation.from}`, type: 'note', text: 'segredo da equipe' }),
			await call('POST', '/api/v1/messages/batch', { channelId: channel.id, messages: [{ to: `+${conversation.from}`, type: 'note', text: 'segredo da equipe' }] }),
			await call('POST', `/api/v1/messages/${note.id}/retry`),
			await call('POST', `/api/v1/messages/${note.id}/edit`, { text: 'segredo da equipe' }),
			await call('POST', `/api/v1/messages/${note.id}/revoke`),
			await call('DELETE', `/api/v1/messages/${note.id}`),
			await send(conversation.id, { type: 'reaction', reaction: { messageId: note.id, emoji: '👍' } }),
		];
		expect(attempts.map((a) => a.statusCode)).toEqual([400, 400, 400, 422, 422, 422, 422, 422]);
		// The reconciler never picks a note up, and a job naming it sends nothing.
		await h.server.runtime.outbox!.reconciler.runOnce();
		await h.server.runtime.outbox!.enqueue(channel.id, note.id);
		await new Promise((r) => setTimeout(r, 500));
		expect((await sendsOn(channel.name)).map((s) => s.text)).not.toContain('segredo da equipe');
		expect(await h.row(note.id)).toMatchObject({ direction: 'internal', status: 'sent', attempts: 0, wa_message_id: null });
	});
});
