import { ADAPTERS } from '../support/ingest-database';
import { scaled } from './scale';
import { nthMessage, seededRandom, startWebhookLoad, withSenders, type WebhookLoad } from './support/webhook-load';

const MESSAGES = scaled(400, 10_000);
const PEOPLE = scaled(40, 500);
const SENDERS = 20;

/** Evolution delivers at least once: each messages.upsert 1–3 times, shuffled, by 20 concurrent senders (#9). */
describe.each(ADAPTERS)('duplicate webhook deliveries on %s', (_name, open) => {
	let load: WebhookLoad;
	beforeAll(async () => {
		load = await startWebhookLoad(open);
	});
	afterAll(async () => load.close());

	it(`${MESSAGES} messages each delivered 1–3 times, shuffled, ${SENDERS} senders → exactly ${MESSAGES} stored, right unread counts`, async () => {
		const random = seededRandom(9);
		const deliveries: number[] = [];
		for (let i = 0; i < MESSAGES; i++) for (let n = 1 + Math.floor(random() * 3); n > 0; n--) deliveries.push(i);
		for (let i = deliveries.length - 1; i > 0; i--) {
			const j = Math.floor(random() * (i + 1));
			[deliveries[i], deliveries[j]] = [deliveries[j], deliveries[i]];
		}
		const statuses = new Map<number, number>();
		const processed = new Map<number, number>();
		await withSenders(deliveries, SENDERS, async (i) => {
			const answer = await load.post(nthMessage(i, PEOPLE));
			statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
			if (answer.outcome === 'processed') processed.set(i, (processed.get(i) ?? 0) + 1);
		});
		await load.ingest.drain();

		expect([...statuses]).toEqual([[200, deliveries.length]]);
		// Each message was stored by exactly one of its deliveries; the others were answered as duplicates.
		expect(processed.size).toBe(MESSAGES);
		expect([...processed.values()].every((n) => n === 1)).toBe(true);
		const count = async (sql: string) => Number((await load.db.query<{ n: string }>(sql, [load.workspaceId])).rows[0].n);
		expect(await count('SELECT count(*) AS n FROM whatsapp_messages WHERE workspace_id = $1')).toBe(MESSAGES);
		expect(await count('SELECT count(DISTINCT wa_message_id) AS n FROM whatsapp_messages WHERE workspace_id = $1')).toBe(MESSAGES);
		expect(await count('SELECT count(*) AS n FROM contacts WHERE workspace_id = $1')).toBe(PEOPLE);
		// Every message is inbound and live: each conversation's unread count is its number of messages.
		const { rows } = await load.db.query<{ unread_count: number; messages: string }>(
			`SELECT c.unread_count, (SELECT count(*) FROM whatsapp_messages m WHERE m.conversation_id = c.id) AS messages
			 FROM whatsapp_conversations c WHERE c.workspace_id = $1`,
			[load.workspaceId],
		);
		expect(rows).toHaveLength(PEOPLE);
		expect(rows.filter((r) => r.unread_count !== Number(r.messages))).toEqual([]);
		expect(rows.reduce((sum, r) => sum + r.unread_count, 0)).toBe(MESSAGES);
	});
});
