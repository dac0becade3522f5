import type { Db } from '../../src/db/db';
import { ADAPTERS, ackWebhook, textWebhook } from '../support/ingest-database';
import { startIngestHarness, type IngestHarness } from '../support/ingest-harness';

/** The adapter with a count of the transactions opened through it: how the tests see deliveries being batched. */
function countingTransactions(db: Db, counter: { transactions: number }): Db {
	return {
		driver: db.driver,
		query: (sql, params) => db.query(sql, params),
		exec: (sql) => db.exec(sql),
		close: () => db.close(),
		transaction: (fn) => {
			counter.transactions++;
			return db.transaction(fn);
		},
	};
}

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
});
