import { createPgDb } from '../../src/db/pg-db';
import { startPrivatePostgres, type PrivatePostgres } from '../../src/infra/private-postgres';
import { scaled } from './scale';
import { nthMessage, startWebhookLoad, withSenders, type WebhookLoad } from './support/webhook-load';

const MESSAGES = scaled(200, 3_000);
const PEOPLE = scaled(20, 300);
const OUTAGE_MS = scaled(3_000, 30_000);
const SENDERS = 10;

/**
 * PostgreSQL stopped during ingest (#9): webhooks are answered 503 with Retry-After, so Evolution sends them again;
 * nothing is half-written; once it is back every message is there, once. Its own PostgreSQL server, since this one
 * is stopped and started again.
 */
describe('PostgreSQL stopped during ingest', () => {
	let pg: PrivatePostgres;
	let load: WebhookLoad;
	beforeAll(async () => {
		pg = await startPrivatePostgres();
		const url = await pg.createDatabase('outage');
		load = await startWebhookLoad(async () => createPgDb(url));
	});
	afterAll(async () => {
		await load?.close();
		await pg?.stop();
	});

	it(`answers 503 + Retry-After while it is down (${OUTAGE_MS / 1000} s), and stores all ${MESSAGES} messages once it is back`, async () => {
		const statuses = new Map<number, number>();
		let unavailable = 0;
		let withoutRetryAfter = 0;
		let accepted = 0;
		let outage: Promise<void> | undefined;
		// Evolution's behaviour: a 5xx is sent again a little later, until it is accepted.
		await withSenders(
			Array.from({ length: MESSAGES }, (_v, i) => i),
			SENDERS,
			async (i) => {
				for (;;) {
					const answer = await load.post(nthMessage(i, PEOPLE));
					statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
					if (answer.status === 200) break;
					if (answer.status === 503) {
						unavailable++;
						if (!answer.retryAfter || !(Number(answer.retryAfter) > 0)) withoutRetryAfter++;
					}
					await new Promise((resolve) => setTimeout(resolve, 200));
				}
				accepted++;
				if (accepted === Math.floor(MESSAGES / 3) && !outage) {
					outage = (async () => {
						await pg.halt();
						await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
						await pg.resume();
					})();
				}
			},
		);
		await outage;
		await load.ingest.drain();

		expect([...statuses.keys()].sort()).toEqual([200, 503]);
		expect(unavailable).toBeGreaterThan(0);
		expect(withoutRetryAfter).toBe(0);
		const count = async (sql: string) => Number((await load.db.query<{ n: string }>(sql, [load.workspaceId])).rows[0].n);
		expect(await count('SELECT count(*) AS n FROM whatsapp_messages WHERE workspace_id = $1')).toBe(MESSAGES);
		expect(await count('SELECT count(DISTINCT wa_message_id) AS n FROM whatsapp_messages WHERE workspace_id = $1')).toBe(MESSAGES);
		// Nothing half-written: every person has their contact, lead and one conversation, and the unread counts add up.
		expect(await count('SELECT count(*) AS n FROM contacts WHERE workspace_id = $1')).toBe(PEOPLE);
		expect(await count('SELECT count(*) AS n FROM leads WHERE workspace_id = $1')).toBe(PEOPLE);
		expect(await count('SELECT count(*) AS n FROM whatsapp_conversations WHERE workspace_id = $1 AND lead_id IS NOT NULL')).toBe(PEOPLE);
		expect(await count('SELECT coalesce(sum(unread_count), 0) AS n FROM whatsapp_conversations WHERE workspace_id = $1')).toBe(MESSAGES);
		expect(await count("SELECT count(*) AS n FROM webhook_deliveries WHERE workspace_id = $1 AND outcome = 'processed'")).toBe(MESSAGES);
	});
});
