import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Db } from '../../src/db/db';
import { PACED_MESSAGE } from '../../src/outbox/outbox';
import { warmupAllowance } from '../../src/outbox/pacing';
import { typingDelayMs } from '../../src/outbox/typing-delay';
import { ADAPTERS, eventually } from '../inbox/support/inbox-app';
import { subscribedSocket } from '../inbox/support/test-socket';
import { LONG, startOutboxHarness, TIME_SCALE, type OutboxHarness } from './support/outbox-harness';

type Sent = { id: string; instance: string; remoteJid: string; messageType: string; text: string | null; delay: number | null; at: number };

/**
 * Every message type through the sandbox, typing from the text length, sends to phone numbers and campaigns, retry,
 * cancel, edit, revoke, and the pacing of proactive sends (per-minute cap never exceeded, daily cap, replies not
 * paced), on both database adapters.
 */
describe.each(ADAPTERS)('outbox types, actions and pacing on %s', (_name, open: () => Promise<Db>) => {
	let h: OutboxHarness;
	let files: Server;
	let filesUrl: string;
	beforeAll(async () => {
		files = createServer((_req, res) => {
			res.writeHead(200, { 'content-type': 'application/octet-stream' });
			res.end(Buffer.from('sample file bytes'));
		});
		await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
		filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
		h = await startOutboxHarness(open);
	});
	afterAll(async () => {
		await h?.close();
		files?.close();
	});

	const call = (method: string, url: string, body?: unknown) => h.server.call(method, url, h.admin, body);
	const send = (conversationId: string, body: Record<string, unknown>) => call('POST', `/api/v1/conversations/${conversationId}/messages`, { typing: false, ...body });
	const sends = async (instance: string): Promise<Sent[]> => (await h.sandbox.get(`/_sandbox/sends?instance=${instance}`)).body.sends;
	const settle = (id: string) => h.waitRow(id, (row) => row.status !== 'queued');
	const setOutbox = async (channelId: string, outbox: Record<string, unknown>) => expect((await call('PATCH', `/api/v1/channels/${channelId}`, { settings: { outbox } })).statusCode).toBe(200);

	it('sends every type with the Evolution route and fields the contract gives', async () => {
		const channel = await h.channel();
		const conversation = await h.conversation(channel);
		const inbound = (await h.db.query<{ id: string; wa: string }>(`SELECT id, wa_message_id AS wa FROM whatsapp_messages WHERE conversation_id = $1 AND direction = 'inbound'`, [conversation.id])).rows[0];
		const bodies: Array<[Record<string, unknown>, string]> = [
			[{ type: 'image', media: { url: `${filesUrl}/photo.jpg` }, caption: 'Foto do produto' }, 'imageMessage'],
			[{ type: 'video', media: { url: `${filesUrl}/clip.mp4`, mimeType: 'video/mp4' }, caption: 'Vídeo' }, 'videoMessage'],
			[{ type: 'audio', media: { url: `${filesUrl}/voice.ogg` } }, 'audioMessage'],
			[{ type: 'document', media: { url: `${filesUrl}/tabela.pdf`, fileName: 'tabela.pdf', mimeType: 'application/pdf' }, caption: 'Tabela' }, 'documentMessage'],
			[{ type: 'sticker', media: { url: `${filesUrl}/s.webp` } }, 'stickerMessage'],
			[{ type: 'location', location: { latitude: -23.55, longitude: -46.63, name: 'Loja', address: 'Av. Paulista, 1000' } }, 'locationMessage'],
			[{ type: 'contact', contact: { fullName: 'Suporte ACME', phoneNumber: '+5511988887777' } }, 'contactMessage'],
			[{ type: 'reaction', reaction: { messageId: inbound.id, emoji: '👍' } }, 'reactionMessage'],
			[{ type: 'text', text: 'Respondendo sua pergunta', replyToMessageId: inbound.id }, 'conversation'],
		];
		const ids: string[] = [];
		for (const [body] of bodies) {
			const answer = await send(conversation.id, body);
			expect({ type: body.type, status: answer.statusCode, body: answer.statusCode === 202 ? '' : answer.body }).toEqual({ type: body.type, status: 202, body: '' });
			ids.push(answer.json().id);
		}
		for (const id of ids) expect((await settle(id)).status).not.toBe('failed');
		const out = await sends(channel.name);
		// One channel's messages go one at a time, in order.
		expect(out.map((s) => s.messageType)).toEqual(bodies.map(([, type]) => type));
		const quoted = await h.row(ids[8]);
		expect(quoted.quoted_wa_message_id).toBe(inbound.wa);
		const log = (await h.db.query<{ endpoint: string; request: any }>(`SELECT endpoint, request FROM whatsapp_logs WHERE message_id = ANY($1::uuid[]) AND operation = 'outbox_send' ORDER BY id`, [ids])).rows;
		expect(log.map((l) => l.endpoint.split('/').slice(0, 3).join('/'))).toEqual([
			'/message/sendMedia',
			'/message/sendMedia',
			'/message/sendWhatsAppAudio',
			'/message/sendMedia',
			'/message/sendSticker',
			'/message/sendLocation',
			'/message/sendContact',
			'/message/sendReaction',
			'/message/sendText',
		]);
		expect(log[8].request.quoted).toEqual({ key: { id: inbound.wa, remoteJid: expect.stringContaining(conversation.from), fromMe: false } });
		expect(log[7].request).toMatchObject({ key: { id: inbound.wa, fromMe: false }, reaction: '👍' });

		// A mediaId must be a file of this workspace's media store: an unknown one is refused at once. Bad bodies: 400.
		const stored = await send(conversation.id, { type: 'image', media: { mediaId: '00000000-0000-4000-8000-000000000000' } });
		expect(stored.statusCode).toBe(404);
		expect((await send(conversation.id, { type: 'image' })).statusCode).toBe(400);
		expect((await send(conversation.id, { type: 'text', text: '   ' })).statusCode).toBe(400);
		expect((await send(conversation.id, { type: 'image', media: { url: 'file:///etc/passwd' } })).statusCode).toBe(400);
	});

	it('removes a reaction with an empty emoji, and refuses a batch over 1,000 sends', async () => {
		const channel = await h.channel();
		const conversation = await h.conversation(channel);
		const inbound = (await h.db.query<{ id: string; wa: string }>(`SELECT id, wa_message_id AS wa FROM whatsapp_messages WHERE conversation_id = $1 AND direction = 'inbound'`, [conversation.id])).rows[0];
		const ids: string[] = [];
		for (const emoji of ['❤️', '']) {
			const answer = await send(conversation.id, { type: 'reaction', reaction: { messageId: inbound.id, emoji } });
			expect(answer.statusCode).toBe(202);
			ids.push(answer.json().id);
			expect((await settle(answer.json().id)).status).not.toBe('failed');
		}
		const log = (await h.db.query<{ endpoint: string; request: any }>(`SELECT endpoint, request FROM whatsapp_logs WHERE message_id = ANY($1::uuid[]) AND operation = 'outbox_send' ORDER BY id`, [ids])).rows;
		expect(log.map((l) => [l.endpoint, l.request.key.id, l.request.reaction])).toEqual([
			[`/message/sendReaction/${channel.name}`, inbound.wa, '❤️'],
			[`/message/sendReaction/${channel.name}`, inbound.wa, ''],
		]);
		expect((await sends(channel.name)).map((s) => s.messageType)).toEqual(['reactionMessage', 'reactionMessage']);

		const tooMany = await call('POST', '/api/v1/messages/batch', { channelId: channel.id, messages: Array.from({ length: 1_001 }, (_v, i) => ({ to: `+55119125${String(10_000 + i).padStart(5, '0')}`, text: 'x' })) });
		expect(tooMany.statusCode).toBe(400);
		expect(tooMany.json().error.message).toContain('messages');
		const { rows } = await h.db.query(`SELECT count(*)::int AS n FROM whatsapp_messages WHERE channel_id = $1 AND origin = 'proactive'`, [channel.id]);
		expect(rows[0].n).toBe(0);
	});

	it('types before sending for a time from the text length (1–20 s), unless the request or the channel turns it off', async () => {
		const channel = await h.channel();
		const conversation = await h.conversation(channel);
		const texts = { short: 'Oi', medium: 'x'.repeat(100), long: 'y'.repeat(1000), off: 'sem digitação' };
		for (const [key, text] of Object.entries(texts)) await settle((await send(conversation.id, { text, typing: key !== 'off' })).json().id);
		await setOutbox(channel.id, { typing: false });
		await settle((await send(conversation.id, { text: 'canal sem digitação', typing: true })).json().id);
		const delays = Object.fromEntries((await sends(channel.name)).map((s) => [s.text, s.delay]));
		expect(delays).toEqual({ Oi: 1000, [texts.medium]: 5000, [texts.long]: 20000, 'sem digitação': null, 'canal sem digitação': null });
		expect([typingDelayMs(''), typingDelayMs('a'.repeat(40)), typingDelayMs('a'.repeat(401))]).toEqual([1000, 2000, 20000]);
	});

	it('sends to phone numbers in any format, Brazilian ninth digit included, and campaigns with {{variables}}', async () => {
		const channel = await h.channel();
		const one = await call('POST', '/api/v1/messages', { channelId: channel.id, to: '+55 (11) 98765-4321', text: 'Olá!', typing: false });
		expect(one.statusCode).toBe(202);
		// The same person written without the ninth digit: the same contact and conversation.
		const again = await call('POST', '/api/v1/messages', { channelId: channel.id, to: '551187654321', text: 'De novo', typing: false });
		expect(again.json().conversationId).toBe(one.json().conversationId);
		expect(one.json()).toMatchObject({ origin: 'proactive', status: 'queued' });
		const contact = (await h.db.query<{ phone: string }>(`SELECT ct.phone_e164 AS phone FROM whatsapp_conversations c JOIN contacts ct ON ct.id = c.contact_id WHERE c.id = $1`, [one.json().conversationId])).rows[0];
		expect(contact.phone).toBe('+5511987654321');
		expect((await call('POST', '/api/v1/messages', { channelId: channel.id, to: 'abcdefg', text: 'x' })).json().error.code).toBe('invalid_phone');

		const batch = await call('POST', '/api/v1/messages/batch', {
			channelId: channel.id,
			messages: [
				{ to: '+5511912340001', text: 'Oi {{name}}, seu cupom é {{cupom}}{{unknown}}', variables: { name: 'Ana', cupom: 'A10' }, typing: false },
				{ to: 'not a phone', text: 'nunca' },
				{ to: '+5511912340002', text: 'Oi {{ first_name }}!', variables: { first_name: 'Bia' }, typing: false },
			],
		});
		expect(batch.statusCode).toBe(202);
		const data = batch.json().data as Array<{ index: number; id?: string; error?: { code: string } }>;
		expect(data.map((d) => d.index)).toEqual([0, 1, 2]);
		expect(data[1].error?.code).toBe('invalid_phone');
		for (const item of [data[0], data[2]]) await settle(item.id!);
		const texts = (await sends(channel.name)).map((s) => s.text);
		expect(texts).toEqual(expect.arrayContaining(['Oi Ana, seu cupom é A10', 'Oi Bia!']));
		expect(texts).not.toContain('nunca');
	});

	it('retries a failed message, cancels a queued one, edits and revokes a sent one', async () => {
		const channel = await h.channel();
		const conversation = await h.conversation(channel);
		const fault = (await h.sandbox.post('/_sandbox/faults', { route: `/message/sendText/${channel.name}`, errorRate: 1, errorStatus: 500 })).body;
		const failing = (await send(conversation.id, { text: 'vai falhar e depois ir' })).json();
		await h.waitRow(failing.id, (row) => row.status === 'failed');
		await h.sandbox.delete(`/_sandbox/faults/${fault.id}`);
		const retried = await call('POST', `/api/v1/messages/${failing.id}/retry`);
		expect(retried.statusCode).toBe(202);
		expect(retried.json()).toMatchObject({ status: 'queued', attempts: 0, error: null });
		expect((await settle(failing.id)).status).not.toBe('failed');
		expect((await call('POST', `/api/v1/messages/${failing.id}/retry`)).statusCode).toBe(409);

		// Held by a send window that never opens: cancellable while queued, then never sent.
		await setOutbox(channel.id, { sendWindow: { startHour: 9, endHour: 18, days: [] } });
		const proactive = await call('POST', '/api/v1/messages', { channelId: channel.id, to: '+5511912349999', text: 'cancelar isto', typing: false });
		expect(proactive.json()).toMatchObject({ origin: 'proactive', paced: true });
		const cancelled = await call('DELETE', `/api/v1/messages/${proactive.json().id}`);
		expect(cancelled.statusCode).toBe(200);
		expect(cancelled.json()).toMatchObject({ status: 'failed', errorCode: 'cancelled', isDeleted: true });
		expect((await call('DELETE', `/api/v1/messages/${proactive.json().id}`)).statusCode).toBe(409);
		expect((await call('POST', `/api/v1/messages/${proactive.json().id}/retry`)).statusCode).toBe(409);
		await setOutbox(channel.id, { sendWindow: null });

		const sent = (await send(conversation.id, { text: 'texto original' })).json();
		const done = await settle(sent.id);
		const edited = await call('POST', `/api/v1/messages/${sent.id}/edit`, { text: 'texto corrigido' });
		expect(edited.statusCode).toBe(200);
		expect(edited.json()).toMatchObject({ body: 'texto corrigido', isEdited: true });
		const revoked = await call('POST', `/api/v1/messages/${sent.id}/revoke`);
		expect(revoked.json()).toMatchObject({ isDeleted: true });
		const upstream = (await h.db.query<{ operation: string; ok: boolean }>(`SELECT operation, ok FROM whatsapp_logs WHERE message_id = $1 AND operation <> 'outbox_send' ORDER BY id`, [sent.id])).rows;
		expect(upstream).toEqual([
			{ operation: 'outbox_edit', ok: true },
			{ operation: 'outbox_revoke', ok: true },
		]);
		expect(done.wa_message_id).toBeTruthy();
		// Notes and received messages are not outbox messages: nothing to retry, cancel, edit or revoke.
		const inbound = (await h.db.query<{ id: string }>(`SELECT id FROM whatsapp_messages WHERE conversation_id = $1 AND direction = 'inbound'`, [conversation.id])).rows[0];
		const note = (await call('POST', `/api/v1/conversations/${conversation.id}/notes`, { body: 'nota' })).json();
		for (const id of [inbound.id, note.id]) {
			expect((await call('POST', `/api/v1/messages/${id}/retry`)).statusCode).toBe(422);
			expect((await call('DELETE', `/api/v1/messages/${id}`)).statusCode).toBe(422);
		}
		expect((await call('POST', `/api/v1/messages/${note.id}/edit`, { text: 'x' })).statusCode).toBe(422);
		expect((await call('POST', `/api/v1/messages/${inbound.id}/revoke`)).statusCode).toBe(422);
	});

	it('paces proactive sends: never more than the per-minute cap, progressively spaced, held messages say so', async () => {
		const channel = await h.channel();
		await setOutbox(channel.id, { perMinute: 30, warmup: false });
		const count = 70;
		// The sender's inbox page, on /realtime: it is told its campaign is held back, in both languages.
		const page = await subscribedSocket(h.server.url, h.admin, ['workspace']);
		const batch = await call('POST', '/api/v1/messages/batch', {
			channelId: channel.id,
			messages: Array.from({ length: count }, (_v, i) => ({ to: `+55119123${String(50_001 + i).padStart(5, '0')}`, text: `Campanha ${i}`, typing: false })),
		});
		const items = batch.json().data as Array<{ id: string; paced: boolean; expectedSendAt: string | null }>;
		expect(items.filter((i) => i.paced).length).toBeGreaterThan(count - 5);
		// The announcement travels through Redis pub/sub: it reaches the socket shortly after the answer, not before.
		const pacedIds = items.filter((i) => i.paced).map((i) => i.id);
		const announced = await page.waitFor((f) => f.event === 'message.paced' && f.data.channelId === channel.id, LONG);
		page.close();
		expect(announced).toMatchObject({ channel: `whatsapp.workspace.${h.workspace.workspaceId}`, data: { channelId: channel.id, count: pacedIds.length, message: PACED_MESSAGE } });
		expect(PACED_MESSAGE).toEqual({ 'pt-BR': 'Mensagens em fila para evitar bloqueio', en: 'Messages queued to avoid blocking' });
		expect([...announced.data.messageIds].sort()).toEqual([...pacedIds].sort());
		expect(announced.data.lastExpectedSendAt).toBe(items.filter((i) => i.paced).map((i) => i.expectedSendAt).filter((at): at is string => !!at).sort().pop());
		await eventually(async () => expect((await sends(channel.name)).length).toBe(count), LONG);
		const times = (await sends(channel.name)).map((s) => s.at).sort((a, b) => a - b);
		const minute = 60_000 * TIME_SCALE;
		let worst = 0;
		for (const start of times) worst = Math.max(worst, times.filter((t) => t >= start && t < start + minute).length);
		expect(worst).toBeLessThanOrEqual(30);
		// Spaced: never closer than 60 s / 30 (scaled) in the sends' own order.
		for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual((minute / 30) * 0.9);
	});

	it('holds a campaign message until its plan (no look every minute before it), and re-plans held ones at once when the pacing settings change', async () => {
		const channel = await h.channel();
		// One a (scaled) minute: a gap of 0.6 s here, so ten messages are planned over 5–8 s, well past a scaled minute.
		await setOutbox(channel.id, { perMinute: 1, warmup: false });
		const batch = await call('POST', '/api/v1/messages/batch', {
			channelId: channel.id,
			messages: Array.from({ length: 10 }, (_v, i) => ({ to: `+55119127${String(10_001 + i).padStart(5, '0')}`, text: `Plano ${i}`, typing: false })),
		});
		const items = batch.json().data as Array<{ id: string; expectedSendAt: string | null }>;
		const last = items[items.length - 1];
		expect(Date.parse(last.expectedSendAt!) - Date.now()).toBeGreaterThan(3 * 60_000 * TIME_SCALE);
		// Each job waits for its message's plan, not for a minute: the worker looks at a paced message when it is due.
		const queue = h.server.runtime.outbox!.queues.queue(channel.id);
		for (const item of items.slice(1)) {
			const job = (await queue.getJob(item.id))!;
			expect(Math.abs(job.timestamp + (job.opts.delay ?? 0) - Date.parse(item.expectedSendAt!))).toBeLessThan(50);
		}
		await settle(items[0].id);

		// New settings (a faster pace): the held messages are planned again now and go, long before their old plans.
		const changedAt = Date.now();
		await setOutbox(channel.id, { perMinute: 1000, warmup: false });
		for (const item of items) expect((await settle(item.id)).status).not.toBe('failed');
		const sent = (await sends(channel.name)).filter((s) => s.text?.startsWith('Plano '));
		expect(sent.map((s) => s.text)).toEqual(items.map((_item, i) => `Plano ${i}`));
		expect(Math.max(...sent.map((s) => s.at))).toBeLessThan(Date.parse(last.expectedSendAt!) - 60_000 * TIME_SCALE);
		expect(Math.max(...sent.map((s) => s.at)) - changedAt).toBeLessThan(3 * 60_000 * TIME_SCALE);
	});

	it('warms a number up by its age: 40 a day when new, more once it is older (numberSince)', async () => {
		const [fresh, older] = [await h.channel(), await h.channel()];
		await setOutbox(fresh.id, { perMinute: 1000 });
		// Ten (time-scaled) days old: the warm-up allows 300 a day.
		await setOutbox(older.id, { perMinute: 1000, numberSince: new Date(Date.now() - 10 * 86_400_000 * TIME_SCALE).toISOString() });
		const campaign = async (channelId: string, prefix: string) =>
			((await call('POST', '/api/v1/messages/batch', {
				channelId,
				messages: Array.from({ length: 45 }, (_v, i) => ({ to: `+55119126${prefix}${String(1_001 + i).padStart(4, '0')}`, text: `Aquecimento ${i}`, typing: false })),
			})).json().data as Array<{ id: string }>).map((d) => d.id);
		const [freshIds, olderIds] = [await campaign(fresh.id, '1'), await campaign(older.id, '2')];
		for (const id of olderIds) expect((await settle(id)).status).not.toBe('failed');
		await eventually(async () => {
			const { rows } = await h.db.query<{ status: string; paced: boolean }>('SELECT status, paced FROM whatsapp_messages WHERE id = ANY($1::uuid[])', [freshIds]);
			expect(rows.filter((r) => r.status !== 'queued')).toHaveLength(40);
			expect(rows.filter((r) => r.status === 'queued' && r.paced)).toHaveLength(5);
		}, LONG);
		await new Promise((r) => setTimeout(r, 1000));
		expect((await sends(fresh.name)).length).toBe(40);
		expect((await sends(older.name)).length).toBe(45);
	});

	it('holds proactive sends over the daily cap, and never paces replies', async () => {
		const channel = await h.channel();
		await setOutbox(channel.id, { perMinute: 1000, dailyCap: 5, warmup: false });
		const batch = await call('POST', '/api/v1/messages/batch', {
			channelId: channel.id,
			messages: Array.from({ length: 8 }, (_v, i) => ({ to: `+55119124${String(10_001 + i).padStart(5, '0')}`, text: `Cota ${i}`, typing: false })),
		});
		const ids = (batch.json().data as Array<{ id: string }>).map((d) => d.id);
		await eventually(async () => {
			const { rows } = await h.db.query<{ status: string; paced: boolean }>('SELECT status, paced FROM whatsapp_messages WHERE id = ANY($1::uuid[])', [ids]);
			expect(rows.filter((r) => r.status !== 'queued')).toHaveLength(5);
			expect(rows.filter((r) => r.status === 'queued' && r.paced)).toHaveLength(3);
		}, LONG);
		expect((await sends(channel.name)).length).toBe(5);

		// Replies (the contact wrote just now) go at once, whatever the caps.
		await setOutbox(channel.id, { perMinute: 1, dailyCap: 1, warmup: true });
		const conversation = await h.conversation(channel);
		const replies = [];
		for (let i = 0; i < 4; i++) replies.push((await send(conversation.id, { text: `resposta ${i}` })).json());
		expect(replies.every((r) => r.origin === 'reply' && r.paced === false)).toBe(true);
		for (const reply of replies) expect((await settle(reply.id)).status).not.toBe('failed');
		expect([warmupAllowance(0), warmupAllowance(2 * 86_400_000), warmupAllowance(5 * 86_400_000), warmupAllowance(10 * 86_400_000), warmupAllowance(20 * 86_400_000), warmupAllowance(30 * 86_400_000)]).toEqual([40, 80, 150, 300, 600, null]);
	});
});
