import { randomBytes } from 'node:crypto';
import { appendChannelLog, listChannelLog } from '../../src/channels/channel-log';
import type { Db } from '../../src/db/db';
import { ADAPTERS, openMigratedDb, seedWorkspace } from '../inbox/support/inbox-app';

/**
 * The channel's log pages newest first without overlap or gap when its ids cross a power of ten (9 → 10, 99 → 100):
 * the ids are answered as text, and ordering by that text once put "9" after "10" and repeated lines across pages.
 */
describe.each(ADAPTERS)('channel log pages on %s', (_name, open) => {
	let db: Db;

	beforeAll(async () => {
		db = await openMigratedDb(open);
	});
	afterAll(async () => {
		await db?.close();
	});

	it('answers 120 lines newest first, 10 a page, each once', async () => {
		const ws = await seedWorkspace(db, randomBytes(32), { messages: 0 });
		for (let n = 1; n <= 120; n++) await appendChannelLog(db, ws.workspaceId, ws.channelId, { kind: 'step', message: `step ${n}` });
		const seen: string[] = [];
		let pages = 0;
		for (let before: string | undefined, more = true; more; pages++) {
			const page = await listChannelLog(db, ws.workspaceId, ws.channelId, { limit: 10, before });
			seen.push(...page.data.map((line) => line.message));
			before = page.nextCursor ?? undefined;
			more = page.nextCursor !== null;
		}
		expect(pages).toBe(12);
		expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => `step ${120 - i}`));
	});
});
