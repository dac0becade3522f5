import type { Db, Tx } from '../../src/db/db';
import { ADAPTERS, type FixtureJson, evolutionFixture, textWebhook } from '../support/ingest-database';
import { startIngestHarness, type IngestHarness } from '../support/ingest-harness';

/** The adapter with the text of every statement run inside its transactions: how the test sees a batch is set-based. */
function recordingStatements(open: () => Promise<Db>, statements: string[]): () => Promise<Db> {
	return async () => {
		const db = await open();
		const recording = (tx: Tx): Tx => ({
			query: (sql, params, options) => {
				statements.push(sql);
				return tx.query(sql, params, options);
			},
			exec: (sql) => tx.exec(sql),
		});
		return { ...db, driver: db.driver, query: db.query.bind(db), exec: db.exec.bind(db), close: db.close.bind(db), transaction: (fn) => db.transaction((tx) => fn(recording(tx))) };
	};
}

function contactsWebhook(event: 'contacts.upsert' | 'contacts.update', data: unknown) {
	return { ...evolutionFixture('contacts.upsert-batch'), event, data };
}

describe.each(ADAPTERS)('contacts.upsert / contacts.update on %s', (_name, open) => {
	let h: IngestHarness;
	const statements: string[] = [];
	beforeEach(async () => {
		statements.length = 0;
		h = await startIngestHarness(recordingStatements(open, statements));
	});
	afterEach(async () => {
		await h.close();
	});

	const contacts = async () =>
		(
			await h.db.query<FixtureJson>('SELECT phone_e164, wa_jid, lid, is_group, push_name, avatar_url FROM contacts WHERE workspace_id = $1 ORDER BY wa_jid', [h.workspaceId])
		).rows;

	it('creates the contacts they name, with push names; a number as push name is no name; @lid ones are identities, never phones', async () => {
		const answer = await h.deliver(evolutionFixture('contacts.upsert-batch'));
		expect(answer.body).toMatchObject({ outcome: 'processed' });
		await h.deliver(contactsWebhook('contacts.upsert', { remoteJid: '201122334455667@lid', pushName: 'Ana (lid)', profilePicUrl: 'https://pps.whatsapp.net/ana.jpg', instanceId: 'x' }));
		await h.deliver(contactsWebhook('contacts.upsert', [{ remoteJid: '120363025246125486@g.us', pushName: 'Equipe', profilePicUrl: null, instanceId: 'x' }]));
		expect(await contacts()).toEqual([
			{ phone_e164: null, wa_jid: '120363025246125486@g.us', lid: null, is_group: true, push_name: 'Equipe', avatar_url: null },
			{ phone_e164: null, wa_jid: '201122334455667@lid', lid: '201122334455667@lid', is_group: false, push_name: 'Ana (lid)', avatar_url: 'https://pps.whatsapp.net/ana.jpg' },
			{ phone_e164: '+5511955554444', wa_jid: '5511955554444@s.whatsapp.net', lid: null, is_group: false, push_name: null, avatar_url: null },
			{ phone_e164: '+5511988887777', wa_jid: '5511988887777@s.whatsapp.net', lid: null, is_group: false, push_name: 'Maria Souza', avatar_url: null },
		]);
		expect(h.events.filter((e) => e.type === 'contact.created')).toHaveLength(4);
		// A contact is not a conversation: nothing shows in the inbox until someone writes.
		expect(await h.count('whatsapp_conversations')).toBe(0);

		// The same delivery again changes nothing and announces nothing.
		const eventsBefore = h.events.length;
		expect((await h.deliver(evolutionFixture('contacts.upsert-batch'))).body).toMatchObject({ outcome: 'duplicate' });
		expect(h.events.length).toBe(eventsBefore);
	});

	it('contacts.update refreshes name and picture of a contact who wrote, and a later message finds the synced contact', async () => {
		await h.deliver(contactsWebhook('contacts.upsert', [{ remoteJid: '5511988887777@s.whatsapp.net', pushName: 'Maria', profilePicUrl: null, instanceId: 'x' }]));
		await h.deliver(textWebhook({ id: 'M1', text: 'oi', pushName: 'Maria' }));
		expect(await h.count('contacts')).toBe(1);
		await h.deliver(contactsWebhook('contacts.update', [{ remoteJid: '5511988887777@s.whatsapp.net', pushName: 'Maria Souza', profilePicUrl: 'https://pps.whatsapp.net/m.jpg', instanceId: 'x' }]));
		expect(await contacts()).toEqual([
			{ phone_e164: '+5511988887777', wa_jid: '5511988887777@s.whatsapp.net', lid: null, is_group: false, push_name: 'Maria Souza', avatar_url: 'https://pps.whatsapp.net/m.jpg' },
		]);
		expect(h.events.filter((e) => e.type === 'contact.updated').at(-1)?.data).toMatchObject({ push_name: 'Maria Souza', avatar_url: 'https://pps.whatsapp.net/m.jpg' });
		// A picture not mentioned (profilePicUrl absent) is left as it is.
		await h.deliver(contactsWebhook('contacts.update', { remoteJid: '5511988887777@s.whatsapp.net', pushName: 'Maria S.', instanceId: 'x' }));
		expect((await contacts())[0]).toMatchObject({ push_name: 'Maria S.', avatar_url: 'https://pps.whatsapp.net/m.jpg' });
	});

	it('a 2,000-contact sync batch is created in one statement', async () => {
		const batch = Array.from({ length: 2000 }, (_v, i) => ({
			remoteJid: i % 10 === 0 ? `${300000000000000 + i}@lid` : `55119${String(70000000 + i).padStart(8, '0')}@s.whatsapp.net`,
			pushName: `Contato ${i}`,
			profilePicUrl: null,
			instanceId: 'x',
		}));
		statements.length = 0;
		expect((await h.deliver(contactsWebhook('contacts.upsert', batch))).body).toMatchObject({ outcome: 'processed' });
		expect(await h.count('contacts')).toBe(2000);
		const lidOnly = await h.db.query<{ n: string }>('SELECT count(*) AS n FROM contacts WHERE workspace_id = $1 AND lid IS NOT NULL AND phone_e164 IS NULL', [h.workspaceId]);
		expect(Number(lidOnly.rows[0].n)).toBe(200);
		expect(statements.filter((sql) => sql.includes('INSERT INTO contacts'))).toHaveLength(1);
		// The contacts' statement and the delivery's audit row: nothing per contact.
		expect(statements.length).toBeLessThanOrEqual(3);
	});
});
