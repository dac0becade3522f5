import type { Db } from '../../src/db/db';
import type { InboxEvent } from '../../src/realtime/inbox-events';
import { ADAPTERS, eventually } from '../inbox/support/inbox-app';
import { LONG, startOutboxHarness, TIME_SCALE, type OutboxHarness } from './support/outbox-harness';

type Item = { index: number; id?: string; status?: string; paced?: boolean; expectedSendAt?: string | null; error?: { code: string } };

/**
 * A campaign (POST /messages/batch) is accepted as a whole — targets read together, one forecast, one statement, one
 * publish, one enqueue — and answers what accepting its items one by one answered: a repeated clientId is one message,
 * items to the same person keep their order, a refused item takes no pacing slot and stops nothing, each new row is
 * announced once. On both database adapters.
 */
describe.each(ADAPTERS)('accepting a campaign as a whole on %s', (_name, open: () => Promise<Db>) => {
	let h: OutboxHarness;
	beforeAll(async () => {
		h = await startOutboxHarness(open);
	});
	afterAll(async () => {
		await h?.close();
	});

	const call = (method: string, url: string, body?: unknown) => h.server.call(method, url, h.admin, body);
	const batch = async (channelId: string, messages: Array<Record<string, unknown>>): Promise<Item[]> => {
		const answer = await call('POST', '/api/v1/messages/batch', { channelId, messages: messages.map((m) => ({ typing: false, ...m })) });
		expect(answer.statusCode).toBe(202);
		const data = answer.json().data as Item[];
		expect(data.map((d) => d.index)).toEqual(messages.map((_m, i) => i));
		return data;
	};
	const setOutbox = async (channelId: string, outbox: Record<string, unknown>) => expect((await call('PATCH', `/api/v1/channels/${channelId}`, { settings: { outbox } })).statusCode).toBe(200);
	/** The texts the channel sent (the sandbox's log), in the order they went out; `prefix` keeps those starting with it. */
	const sent = async (instance: string, prefix = ''): Promise<string[]> =>
		((await h.sandbox.get(`/_sandbox/sends?instance=${instance}`)).body.sends as Array<{ text: string | null; at: number }>)
			.sort((a, b) => a.at - b.at)
			.map((s) => s.text ?? '')
			.filter((text) => text.startsWith(prefix));
	const created = (ids: string[]) => h.events.filter((e: InboxEvent) => e.type === 'message.created' && ids.includes((e.data.message as { id: string }).id));

	it('answers a repeated clientId (in the batch and from an earlier one) with the same message, stored once and announced once', async () => {
		const channel = await h.channel();
		// Gaps of 600 ms (time scale 0.01): the worker keeps up with the plans even on a loaded machine. When sends fall
		// behind their plans, late messages share the slot after the last send and may go in either order.
		await setOutbox(channel.id, { perMinute: 1, warmup: false });
		const tag = `${channel.id.slice(0, 8)}`;
		const publish = jest.spyOn(h.server.runtime.outbox!, 'publish');
		const first = await batch(channel.id, [
			{ to: '+5511914000001', text: 'Oferta A', clientId: `${tag}-a` },
			{ to: '+5511914000002', text: 'Oferta B', clientId: `${tag}-b` },
			{ to: '+5511914000001', text: 'Oferta A de novo', clientId: `${tag}-a` },
			{ to: '+5511914000003', text: 'Oferta C' },
		]);
		// One publish of message.created for the whole campaign, not one per item.
		const createdPublishes = publish.mock.calls.filter(([, events]) => events.some((e) => e.type === 'message.created'));
		publish.mockRestore();
		expect(createdPublishes).toHaveLength(1);
		expect(createdPublishes[0][1].filter((e) => e.type === 'message.created')).toHaveLength(3);
		expect(first.every((item) => item.id && !item.error)).toBe(true);
		expect(first[2].id).toBe(first[0].id);
		expect(new Set(first.map((item) => item.id)).size).toBe(3);

		const second = await batch(channel.id, [
			{ to: '+5511914000004', text: 'Oferta D', clientId: `${tag}-d` },
			{ to: '+5511914000001', text: 'Outra vez A', clientId: `${tag}-a` },
		]);
		expect(second[1].id).toBe(first[0].id);
		const stored = await h.db.query<{ client_message_id: string; body: string }>(
			'SELECT client_message_id, body FROM whatsapp_messages WHERE client_message_id LIKE $1 ORDER BY client_message_id',
			[`${tag}-%`],
		);
		expect(stored.rows).toEqual([
			{ client_message_id: `${tag}-a`, body: 'Oferta A' },
			{ client_message_id: `${tag}-b`, body: 'Oferta B' },
			{ client_message_id: `${tag}-d`, body: 'Oferta D' },
		]);
		// One message.created per new row (four of them), none for the repeats.
		const ids = [...new Set([...first, ...second].map((item) => item.id!))];
		expect(ids).toHaveLength(4);
		await eventually(() => expect(created(ids)).toHaveLength(4), LONG);
		await new Promise((r) => setTimeout(r, 300));
		expect(created(ids).map((e) => (e.data.message as { id: string }).id).sort()).toEqual([...ids].sort());
		// The repeats were not sent again; the campaign went out in its order.
		for (const item of [...first, ...second]) await h.waitRow(item.id!, (row) => row.status !== 'queued');
		expect(await sent(channel.name)).toEqual(['Oferta A', 'Oferta B', 'Oferta C', 'Oferta D']);
	});

	it('keeps the order of two items to the same person: in the thread, the list line and the sends', async () => {
		const channel = await h.channel();
		// Gaps of 600 ms: the worker keeps up with the plans even on a loaded machine.
		await setOutbox(channel.id, { perMinute: 1, warmup: false });
		// One contact who just wrote (replies: sent at once) and one who never did (proactive: paced).
		const replying = await h.conversation(channel);
		const items = await batch(channel.id, [
			{ to: `+${replying.from}`, text: 'resposta 1' },
			{ to: '+5511914100001', text: 'campanha 1' },
			{ to: `+${replying.from}`, text: 'resposta 2' },
			{ to: '+5511914100001', text: 'campanha 2' },
			{ to: `+${replying.from}`, text: 'resposta 3' },
		]);
		expect(items.every((item) => item.id && !item.error)).toBe(true);
		const thread = async (conversationId: string) =>
			((await call('GET', `/api/v1/conversations/${conversationId}/messages`)).json().data as Array<{ body: string | null; direction: string }>)
				.filter((m) => m.direction === 'outbound')
				.map((m) => m.body);
		const proactive = (await h.row(items[1].id!)).conversation_id as string;
		// Stored by one statement, the rows share their created_at: the thread still shows them in item order, as
		// accepted and once sent.
		expect(await thread(replying.id)).toEqual(['resposta 1', 'resposta 2', 'resposta 3']);
		expect(await thread(proactive)).toEqual(['campanha 1', 'campanha 2']);
		for (const item of items) expect((await h.waitRow(item.id!, (row) => row.status !== 'queued')).status).not.toBe('failed');
		expect(await sent(channel.name, 'resposta')).toEqual(['resposta 1', 'resposta 2', 'resposta 3']);
		expect(await sent(channel.name, 'campanha')).toEqual(['campanha 1', 'campanha 2']);
		expect(await thread(replying.id)).toEqual(['resposta 1', 'resposta 2', 'resposta 3']);
		expect(await thread(proactive)).toEqual(['campanha 1', 'campanha 2']);
		// The conversation list shows the last message the batch gave each conversation.
		const lines = await h.db.query<{ id: string; preview: string }>('SELECT id, last_message_preview AS preview FROM whatsapp_conversations WHERE id = ANY($1::uuid[])', [
			[replying.id, proactive],
		]);
		expect(Object.fromEntries(lines.rows.map((r) => [r.id, r.preview]))).toEqual({ [replying.id]: 'resposta 3', [proactive]: 'campanha 2' });
	});

	it('plans paced items after the queued ones, strictly in order; an opt-out and a bad number in the middle take no slot and stop nothing', async () => {
		const channel = await h.channel();
		// 60 s / 1 a minute, scaled: a 600 ms gap, so the plans are seconds apart and still queued when looked at.
		await setOutbox(channel.id, { perMinute: 1, warmup: false });
		const gap = 60_000 * TIME_SCALE;
		const ahead = await batch(
			channel.id,
			Array.from({ length: 3 }, (_v, i) => ({ to: `+55119142${String(10_001 + i)}`, text: `antes ${i}` })),
		);
		const queuedPlans = ahead.filter((item) => item.expectedSendAt).map((item) => Date.parse(item.expectedSendAt!));
		expect(queuedPlans.length).toBeGreaterThanOrEqual(2);

		const optedOut = await h.conversation(channel);
		await h.db.query('UPDATE contacts SET opted_out_at = now() WHERE id = $1', [optedOut.contactId]);
		const items = await batch(channel.id, [
			{ to: '+5511914220001', text: 'depois 0' },
			{ to: `+${optedOut.from}`, text: 'nunca (opt-out)' },
			{ to: 'not a phone', text: 'nunca (número)' },
			{ to: '+5511914220002', text: 'depois 1' },
			{ to: '+5511914220003', text: 'depois 2' },
		]);
		expect(items.map((item) => item.error?.code ?? 'ok')).toEqual(['ok', 'opted_out', 'invalid_phone', 'ok', 'ok']);
		const plans = [items[0], items[3], items[4]].map((item) => {
			expect(item).toMatchObject({ status: 'queued', paced: true });
			return Date.parse(item.expectedSendAt!);
		});
		// After every plan already queued on the channel, and strictly increasing.
		expect(plans[0]).toBeGreaterThan(Math.max(...queuedPlans));
		expect(plans[1]).toBeGreaterThan(plans[0]);
		expect(plans[2]).toBeGreaterThan(plans[1]);
		// Neighbours: one planned gap apart (the mean gap ± its jitter is under two gaps); the refused items left no hole.
		expect(plans[1] - plans[0]).toBeLessThan(2 * gap);
		expect(plans[2] - plans[1]).toBeLessThan(2 * gap);
		// The rows hold what the answer said; the others go out, the refused ones never.
		for (const [i, item] of [items[0], items[3], items[4]].entries()) expect(new Date((await h.row(item.id!)).expected_send_at).getTime()).toBe(plans[i]);
		for (const item of [...ahead, items[0], items[3], items[4]]) expect((await h.waitRow(item.id!, (row) => row.status !== 'queued')).status).not.toBe('failed');
		expect(await sent(channel.name)).toEqual(['antes 0', 'antes 1', 'antes 2', 'depois 0', 'depois 1', 'depois 2']);
	});

	it('starts a campaign\'s plans when it is stored: a slow store moves them, the rhythm stays, and each goes at the plan it was told', async () => {
		const channel = await h.channel();
		await setOutbox(channel.id, { perMinute: 1, warmup: false });
		const gap = 60_000 * TIME_SCALE;
		// A channel whose daily allowance is spent: its next plan is the next (scaled) day's opening, whatever the store took.
		const capped = await h.channel();
		await setOutbox(capped.id, { perMinute: 1000, dailyCap: 1, warmup: false });
		const [first] = await batch(capped.id, [{ to: '+5511914410001', text: 'cota 0' }]);
		const firstSent = await h.waitRow(first.id!, (row) => row.status !== 'queued');
		// Storing takes 3 s (the database is slow): planned before, told after. Without the move a campaign's first sends
		// would go 2–3 s after the plans they were told; the bounds below leave room for a loaded machine.
		await h.db.query('CREATE TABLE IF NOT EXISTS test_store_times (at timestamptz NOT NULL)');
		await h.db.query(
			`CREATE OR REPLACE FUNCTION test_slow_store() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(3); INSERT INTO test_store_times VALUES (clock_timestamp()); RETURN NEW; END $$`,
		);
		// Only the outbox's own store of these two texts is slow (ingest's echo of a send, with no origin, is not).
		const slowly = async <T>(body: () => Promise<T>): Promise<T> => {
			await h.db.query(
				`CREATE TRIGGER test_slow_store BEFORE INSERT ON whatsapp_messages FOR EACH ROW WHEN (NEW.origin IS NOT NULL AND NEW.body IN ('lenta 0', 'cota 1')) EXECUTE FUNCTION test_slow_store()`,
			);
			try {
				return await body();
			} finally {
				await h.db.query('DROP TRIGGER IF EXISTS test_slow_store ON whatsapp_messages');
			}
		};

		const items = await slowly(() => batch(channel.id, Array.from({ length: 4 }, (_v, i) => ({ to: `+55119143${String(10_001 + i)}`, text: `lenta ${i}` }))));
		const plans = items.filter((item) => item.expectedSendAt).map((item) => Date.parse(item.expectedSendAt!));
		expect(plans.length).toBeGreaterThanOrEqual(3);
		// Planned from when it was stored, not seconds before (the store's end, as the database's clock saw it).
		const storedAt = (await h.db.query<{ at: Date }>('SELECT min(at) AS at FROM test_store_times')).rows[0].at;
		expect(plans[0]).toBeGreaterThanOrEqual(new Date(storedAt).getTime());
		for (let i = 1; i < plans.length; i++) expect(plans[i] - plans[i - 1]).toBeLessThan(2 * gap);
		for (const item of items) expect((await h.waitRow(item.id!, (row) => row.status !== 'queued')).status).not.toBe('failed');
		// Each went at its plan (it never goes before one), and not seconds after it.
		const at = ((await h.sandbox.get(`/_sandbox/sends?instance=${channel.name}`)).body.sends as Array<{ text: string; at: number }>).filter((s) => s.text.startsWith('lenta '));
		for (const item of items.filter((i) => i.expectedSendAt)) {
			const send = at.find((s) => s.text === `lenta ${item.index}`)!;
			expect(send.at).toBeGreaterThanOrEqual(Date.parse(item.expectedSendAt!) - 5);
			expect(send.at - Date.parse(item.expectedSendAt!)).toBeLessThan(1500);
		}

		// Held for the next day's allowance: that time stays exact, however long the store took.
		const nextDay = await slowly(() => batch(capped.id, [{ to: '+5511914410002', text: 'cota 1' }]));
		expect(Date.parse(nextDay[0].expectedSendAt!)).toBe(new Date(firstSent.sent_at).getTime() + 86_400_000 * TIME_SCALE + 1);
	});
});
