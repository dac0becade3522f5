import { DELETED_MESSAGE_PREVIEW } from '../../src/messages/message-preview';
import type { WebhookChannel } from '../../src/channels/channel-webhook-directory';
import { createWebhookIngest } from '../../src/ingest/create-webhook-ingest';
import { createLogger } from '../../src/logging/logger';
import { ADAPTERS, ackWebhook, createWorkspaceWithChannel, openMigratedDb, textWebhook } from '../support/ingest-database';
import { countingTransactions, startIngestHarness, type IngestHarness } from '../support/ingest-harness';

describe.each(ADAPTERS)('webhook write batching on %s', (_name, open) => {
	let h: IngestHarness;
	const counter = { transactions: 0 };
	beforeEach(async () => {
		h = await startIngestHarness(async () => countingTransactions(await open(), counter));
		counter.transactions = 0;
	});
	afterEach(async () => {
		await h.close();
	});

	it('writes concurrent deliveries in one transaction and answers each with its own outcome', async () => {
		const first = textWebhook({ id: 'B-DUP', phone: '5511911110000', text: 'primeira' });
		const bodies = [
			...Array.from({ length: 30 }, (_, i) => textWebhook({ id: `B-${i}`, phone: `55119111100${String(i % 10).padStart(2, '0')}`, text: `msg ${i}`, timestamp: 1763800000 + i })),
			first,
			first, // the same delivery twice in one batch
			{ event: 'chats.update', instance: 'acme-sales', data: [] },
		];
		const answers = await Promise.all(bodies.map((body) => h.deliver(body)));

		expect(counter.transactions).toBe(1);
		expect(answers.slice(0, 31).every((a) => a.status === 200 && a.body.ok && a.body.outcome === 'processed')).toBe(true);
		expect(answers[31]).toEqual({ status: 200, body: { ok: true, outcome: 'duplicate' } });
		expect(answers[32]).toMatchObject({ status: 200, body: { ok: true, outcome: 'ignored' } });
		expect([await h.count('contacts'), await h.count('leads'), await h.count('whatsapp_conversations'), await h.count('whatsapp_messages')]).toEqual([10, 10, 10, 31]);
		const { rows } = await h.db.query<{ unread_count: number }>('SELECT unread_count FROM whatsapp_conversations WHERE workspace_id = $1 ORDER BY unread_count', [h.workspaceId]);
		expect(rows.map((r) => r.unread_count)).toEqual([3, 3, 3, 3, 3, 3, 3, 3, 3, 4]);
		const audit = await h.db.query<{ outcome: string; n: string }>('SELECT outcome, count(*) AS n FROM webhook_deliveries WHERE workspace_id = $1 GROUP BY outcome ORDER BY outcome', [h.workspaceId]);
		expect(audit.rows.map((r) => [r.outcome, Number(r.n)])).toEqual([['duplicate', 1], ['ignored', 1], ['processed', 31]]);
	});

	it('an ack batched with its message and an ack batched before it both end up on the message', async () => {
		const answers = await Promise.all([
			h.deliver(ackWebhook('B-ACK1', 'READ')),
			h.deliver(textWebhook({ id: 'B-ACK1', fromMe: true, text: 'enviada' })),
			h.deliver(ackWebhook('B-ACK1', 'DELIVERY_ACK')),
		]);
		expect(counter.transactions).toBe(1);
		expect(answers.every((a) => a.status === 200)).toBe(true);
		const { rows } = await h.db.query<{ status: string }>('SELECT status FROM whatsapp_messages WHERE workspace_id = $1 AND wa_message_id = $2', [h.workspaceId, 'B-ACK1']);
		expect(rows).toEqual([{ status: 'read' }]);
		expect(await h.count('whatsapp_pending_message_updates')).toBe(0);
	});

	it('a delivery that fails inside a batch fails alone and leaves nothing half-written', async () => {
		const good = Array.from({ length: 9 }, (_, i) => textWebhook({ id: `G-${i}`, phone: '5511922220000', text: `ok ${i}`, timestamp: 1763800000 + i }));
		// PostgreSQL text cannot hold a NUL character: this delivery's transaction fails whatever it is batched with.
		const bad = textWebhook({ id: 'BAD-1', phone: '5511933330000', text: 'quebrada \u0000 aqui' });
		const results = await Promise.allSettled([...good.slice(0, 4), bad, ...good.slice(4)].map((body) => h.deliver(body)));

		expect(results[4].status).toBe('rejected');
		const answers = results.filter((_result, i) => i !== 4).map((r) => (r.status === 'fulfilled' ? r.value : r.reason));
		expect(answers.every((a) => a.status === 200 && a.body.outcome === 'processed')).toBe(true);
		expect(await h.count('whatsapp_messages')).toBe(9);
		expect([await h.count('contacts'), await h.count('leads'), await h.count('whatsapp_conversations')]).toEqual([1, 1, 1]);
		const contacts = await h.db.query('SELECT 1 FROM contacts WHERE workspace_id = $1 AND phone_e164 = $2', [h.workspaceId, '+5511933330000']);
		expect(contacts.rows).toEqual([]);
		expect(await h.count('webhook_deliveries')).toBe(9);
	});
	it('a failing message from a known contact fails alone too, and the others are written', async () => {
		await h.deliver(textWebhook({ id: 'KN-0', phone: '5511944440000', text: 'conhecida' }));
		counter.transactions = 0;
		const good = Array.from({ length: 4 }, (_, i) => textWebhook({ id: `KN-${i + 1}`, phone: '5511944440000', text: `ok ${i}`, timestamp: 1763800100 + i }));
		const bad = textWebhook({ id: 'KN-BAD', phone: '5511944440000', text: 'quebrada \u0000 aqui' });
		const results = await Promise.allSettled([...good.slice(0, 2), bad, ...good.slice(2)].map((body) => h.deliver(body)));
		expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
		expect(await h.count('whatsapp_messages')).toBe(5);
		const { rows } = await h.db.query<{ unread_count: number }>('SELECT unread_count FROM whatsapp_conversations WHERE workspace_id = $1', [h.workspaceId]);
		expect(rows).toEqual([{ unread_count: 5 }]);
	});
});

describe.each(ADAPTERS)('webhook writer background work on %s', (_name, open) => {
	it('answers before publishing, publishes in commit order, and drain waits for the events', async () => {
		const db = await openMigratedDb(open);
		const { workspaceId, channelId, webhookSecret } = await createWorkspaceWithChannel(db);
		const published: string[] = [];
		let release: () => void = () => undefined;
		const gate = new Promise<void>((resolve) => (release = resolve));
		const publisher = {
			publish: async (_workspaceId: string, events: Array<{ type: string; data: Record<string, unknown> }>) => {
				await gate;
				for (const e of events) if (e.type === 'message.created') published.push((e.data.message as { waMessageId: string }).waMessageId);
			},
		};
		const ingest = createWebhookIngest({ db, logger: createLogger({ level: 'silent' }), publisher });
		const channel = (await ingest.authenticate('evolution', channelId, webhookSecret)) as WebhookChannel;
		try {
			expect(await ingest.ingest(channel, textWebhook({ id: 'P1', text: 'um' }), { sha256: 'a' })).toMatchObject({ status: 200 });
			expect(await ingest.ingest(channel, textWebhook({ id: 'P2', text: 'dois' }), { sha256: 'b' })).toMatchObject({ status: 200 });
			expect(published).toEqual([]); // committed and answered while the sink is stuck
			const count = await db.query<{ n: string }>('SELECT count(*) AS n FROM whatsapp_messages WHERE workspace_id = $1', [workspaceId]);
			expect(Number(count.rows[0].n)).toBe(2);
			let drained = false;
			const draining = ingest.drain().then(() => (drained = true));
			await new Promise((resolve) => setTimeout(resolve, 50));
			expect(drained).toBe(false);
			release();
			await draining;
			expect(published).toEqual(['P1', 'P2']);
		} finally {
			release();
			await ingest.close();
			await db.close();
		}
	});

	it('settles an ack that raced its message, and forgets waiting updates too old to find theirs', async () => {
		const h = await startIngestHarness(open, 'evolution', { sweepIntervalMs: 100 });
		try {
			await h.deliver(textWebhook({ id: 'R1', fromMe: true, text: 'enviada' }));
			// What another server process leaves when its ack commits while this one inserts the message.
			const pending = 'INSERT INTO whatsapp_pending_message_updates (workspace_id, channel_id, wa_message_id, status, received_at) VALUES ($1, $2, $3, $4, $5)';
			await h.db.query(pending, [h.workspaceId, h.channelId, 'R1', 'read', new Date().toISOString()]);
			await h.db.query(pending, [h.workspaceId, h.channelId, 'NEVER-OLD', 'delivered', new Date(Date.now() - 8 * 86_400_000).toISOString()]);
			await h.db.query(pending, [h.workspaceId, h.channelId, 'NEVER-NEW', 'delivered', new Date().toISOString()]);
			const deadline = Date.now() + 10_000;
			while (!h.events.some((e) => e.type === 'message.updated') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
			const updated = h.events.find((e) => e.type === 'message.updated');
			expect(updated?.data.message).toMatchObject({ waMessageId: 'R1', status: 'read' });
			const { rows } = await h.db.query<{ status: string; read_at: Date | null }>('SELECT status, read_at FROM whatsapp_messages WHERE wa_message_id = $1', ['R1']);
			expect(rows[0]).toEqual({ status: 'read', read_at: expect.any(Date) });
			const left = await h.db.query<{ wa_message_id: string }>('SELECT wa_message_id FROM whatsapp_pending_message_updates WHERE workspace_id = $1', [h.workspaceId]);
			expect(left.rows).toEqual([{ wa_message_id: 'NEVER-NEW' }]);
		} finally {
			await h.close();
		}
	});

	it('settles a delete that raced its message: content forgotten, and the preview no longer shows the text', async () => {
		const h = await startIngestHarness(open, 'evolution', { sweepIntervalMs: 100 });
		try {
			await h.deliver(textWebhook({ id: 'D1', fromMe: false, text: 'meu CPF é 123.456.789-00' }));
			const before = await h.db.query<{ last_message_preview: string }>('SELECT last_message_preview FROM whatsapp_conversations WHERE workspace_id = $1', [h.workspaceId]);
			expect(before.rows[0].last_message_preview).toContain('123.456.789-00');
			// The delete committed by another server process while this one inserted the message.
			await h.db.query('INSERT INTO whatsapp_pending_message_updates (workspace_id, channel_id, wa_message_id, deleted_at) VALUES ($1, $2, $3, now())', [h.workspaceId, h.channelId, 'D1']);
			const deadline = Date.now() + 10_000;
			while (!h.events.some((e) => e.type === 'conversation.updated' && String((e.data.conversation as { lastMessagePreview?: string })?.lastMessagePreview).includes('deleted')) && Date.now() < deadline) {
				await new Promise((resolve) => setTimeout(resolve, 25));
			}
			const { rows } = await h.db.query('SELECT m.is_deleted, m.body, c.last_message_preview FROM whatsapp_messages m JOIN whatsapp_conversations c ON c.id = m.conversation_id WHERE m.wa_message_id = $1', ['D1']);
			expect(rows[0]).toEqual({ is_deleted: true, body: null, last_message_preview: DELETED_MESSAGE_PREVIEW });
			expect(h.events.some((e) => e.type === 'message.updated' && (e.data.message as { isDeleted: boolean }).isDeleted)).toBe(true);
			expect(h.events.some((e) => e.type === 'conversation.updated' && (e.data.conversation as { lastMessagePreview: string }).lastMessagePreview === DELETED_MESSAGE_PREVIEW)).toBe(true);
		} finally {
			await h.close();
		}
	});
});
