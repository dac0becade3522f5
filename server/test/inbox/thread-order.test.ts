import { createHash } from 'node:crypto';
import { encodeCursor } from '../../src/inbox/api/cursor';
import { listThread } from '../../src/inbox/messages/thread';
import { ADAPTERS, textWebhook } from '../support/ingest-database';
import { startIngestHarness, type IngestHarness } from '../support/ingest-harness';

const SECOND = 1763800200;

/**
 * WhatsApp's message times have whole seconds: a customer who sends several short lines at once gives messages with
 * the same time. The thread must show them in the order they came in (the order Evolution delivered them), both when
 * they arrive as separate deliveries and when the write batcher stores them in one statement, and paging must walk
 * through such a tie without skipping or repeating a line.
 */
describe.each(ADAPTERS)('thread order within one second on %s', (_name, open) => {
	let h: IngestHarness;
	beforeEach(async () => {
		h = await startIngestHarness(open);
		// The contact and conversation exist: what follows is plain messages.
		await h.deliver(textWebhook({ id: 'FIRST', text: 'oi', timestamp: SECOND - 60 }));
	});
	afterEach(async () => {
		await h.close();
	});

	const conversationId = async () => (await h.db.query<{ id: string }>('SELECT id FROM whatsapp_conversations WHERE workspace_id = $1', [h.workspaceId])).rows[0].id;
	const bodies = async (limit = 50) => (await listThread(h.db, h.workspaceId, await conversationId(), { limit })).items.map((m) => m.body);
	const lines = Array.from({ length: 8 }, (_, i) => `linha ${i + 1}`);

	it('keeps deliveries of the same second in the order they arrived', async () => {
		for (const [i, text] of lines.entries()) await h.deliver(textWebhook({ id: `SEQ${i}`, text, timestamp: SECOND }));
		expect(await bodies()).toEqual(['oi', ...lines]);
	});

	it('keeps the order of one batch: the messages of a burst written by one statement', async () => {
		// Submitted in one tick, the batcher takes them all into one write.
		const answers = lines.map((text, i) => {
			const body = textWebhook({ id: `BURST${i}`, text, timestamp: SECOND });
			const raw = JSON.stringify(body);
			return h.ingest.ingest(h.channel, body, { sha256: createHash('sha256').update(raw).digest('hex'), text: raw });
		});
		expect((await Promise.all(answers)).map((a) => a.status)).toEqual(lines.map(() => 200));
		await h.ingest.drain();
		expect(await bodies()).toEqual(['oi', ...lines]);
	});

	it('pages backwards through a tie without skipping or repeating, also from a cursor given out before the tie-breaker existed', async () => {
		for (const [i, text] of lines.entries()) await h.deliver(textWebhook({ id: `PAGE${i}`, text, timestamp: SECOND }));
		const id = await conversationId();
		const seen: string[] = [];
		let before: string | undefined;
		for (let pages = 0; pages < 10; pages++) {
			const page = await listThread(h.db, h.workspaceId, id, { limit: 3, before });
			seen.unshift(...page.items.map((m) => m.body ?? ''));
			if (!page.nextCursor) break;
			before = page.nextCursor;
		}
		expect(seen).toEqual(['oi', ...lines]);

		// An older client's cursor has only the time and the id: the page before "linha 5" is still lines 1–4.
		const fifth = await h.db.query<{ id: string; at: string }>(
			`SELECT id, to_char(thread_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at FROM whatsapp_messages WHERE workspace_id = $1 AND body = 'linha 5'`,
			[h.workspaceId],
		);
		const older = await listThread(h.db, h.workspaceId, id, { limit: 50, before: encodeCursor(fifth.rows[0].at, fifth.rows[0].id) });
		expect(older.items.map((m) => m.body)).toEqual(['oi', ...lines.slice(0, 4)]);

		// A forged tie-breaker past PostgreSQL's bigint is the caller's mistake (400 invalid_cursor), not a failed query.
		await expect(listThread(h.db, h.workspaceId, id, { limit: 5, before: encodeCursor(fifth.rows[0].at, fifth.rows[0].id, '9999999999999999999') })).rejects.toMatchObject({
			statusCode: 400,
			code: 'invalid_cursor',
		});
	});
});
