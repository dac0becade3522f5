import type { Db } from '../../src/db/db';
import { ADAPTERS, type InboxApp, openMigratedDb, seedWorkspace, type SeededWorkspace, signIn, startInboxApp } from './support/inbox-app';

describe.each(ADAPTERS)('contacts, lead upsert by phone and message status API on %s', (_driver, open) => {
	let db: Db;
	let server: InboxApp;
	let ws: SeededWorkspace;
	let other: SeededWorkspace;
	let agent: string;

	beforeAll(async () => {
		db = await openMigratedDb(open);
		server = await startInboxApp(db);
		ws = await seedWorkspace(db, server.runtime.integrationsKey);
		other = await seedWorkspace(db, server.runtime.integrationsKey);
		agent = (await signIn(server, ws.agent.email)).authorization;
	});
	afterAll(async () => {
		await server.close();
		await db.close();
	});

	it('reads a contact with its lead, finds it by phone in any format, and changes its details', async () => {
		const contact = await server.call('GET', `/api/v1/contacts/${ws.contactId}`, agent);
		expect(contact.statusCode).toBe(200);
		expect(contact.json()).toMatchObject({ id: ws.contactId, phoneE164: `+${ws.phoneDigits}`, name: 'Maria Souza', leadId: ws.leadId, optedOutAt: null, tags: [] });

		const local = ws.phoneDigits.slice(2);
		const pretty = `+55 (${local.slice(0, 2)}) ${local.slice(2, 7)}-${local.slice(7)}`;
		const found = await server.call('GET', `/api/v1/contacts?phone=${encodeURIComponent(pretty)}`, agent);
		expect(found.json().data.map((c: { id: string }) => c.id)).toEqual([ws.contactId]);
		// A Brazilian mobile stored with its ninth digit is found by the old spelling without it.
		const mobile = (await db.query<{ id: string }>("INSERT INTO contacts (workspace_id, phone_e164, name) VALUES ($1, '+5521987654321', 'Rio') RETURNING id", [ws.workspaceId])).rows[0].id;
		expect((await server.call('GET', '/api/v1/contacts?phone=552187654321', agent)).json().data.map((c: { id: string }) => c.id)).toEqual([mobile]);
		expect((await server.call('GET', '/api/v1/contacts?phone=%2B5511900000001', agent)).json().data).toEqual([]);
		const invalid = await server.call('GET', '/api/v1/contacts?phone=12345', agent);
		expect([invalid.statusCode, invalid.json().error.code]).toEqual([400, 'invalid_phone']);

		const patched = await server.call('PATCH', `/api/v1/contacts/${ws.contactId}`, agent, { name: 'Maria S.', email: 'maria@example.com', tags: ['vip', 'sp'], attributes: { plan: 'gold' } });
		expect(patched.statusCode).toBe(200);
		expect(patched.json()).toMatchObject({ name: 'Maria S.', email: 'maria@example.com', tags: ['vip', 'sp'], attributes: { plan: 'gold' } });
		expect((await server.call('PATCH', `/api/v1/contacts/${ws.contactId}`, agent, {})).statusCode).toBe(400);
		// Another workspace's contact is not found, and not changed.
		expect((await server.call('GET', `/api/v1/contacts/${other.contactId}`, agent)).statusCode).toBe(404);
		expect((await server.call('PATCH', `/api/v1/contacts/${other.contactId}`, agent, { name: 'X' })).statusCode).toBe(404);
		expect((await db.query('SELECT name FROM contacts WHERE id = $1', [other.contactId])).rows[0].name).toBe('Maria Souza');
	});

	it('opts a contact out (the first reason kept) and back in, and the outbox then refuses proactive sends', async () => {
		const out = await server.call('POST', `/api/v1/contacts/${ws.contactId}/opt-out`, agent, { reason: 'asked by phone' });
		expect(out.statusCode).toBe(200);
		expect(out.json()).toMatchObject({ optedOutWord: 'asked by phone', optedOutAt: expect.any(String) });
		const again = await server.call('POST', `/api/v1/contacts/${ws.contactId}/opt-out`, agent);
		expect(again.json()).toMatchObject({ optedOutWord: 'asked by phone', optedOutAt: out.json().optedOutAt });
		const proactive = await server.call('POST', '/api/v1/messages', agent, { channelId: ws.channelId, to: `+${ws.phoneDigits}`, text: 'Promo' });
		expect(proactive.statusCode).toBeGreaterThanOrEqual(400);
		expect(proactive.statusCode).toBeLessThan(500);
		expect(proactive.body).toMatch(/opt/i);

		const back = await server.call('POST', `/api/v1/contacts/${ws.contactId}/opt-in`, agent);
		expect(back.json()).toMatchObject({ optedOutAt: null, optedOutWord: null });
		const plain = await server.call('POST', `/api/v1/contacts/${ws.contactId}/opt-out`, agent);
		expect(plain.json().optedOutWord).toBe('API');
		await server.call('POST', `/api/v1/contacts/${ws.contactId}/opt-in`, agent);
		expect((await server.call('POST', `/api/v1/contacts/${other.contactId}/opt-out`, agent)).statusCode).toBe(404);
	});

	it('upserts a lead by phone: creates with attribution, then updates without overwriting the first touch', async () => {
		const phone = '+55 11 97654-3210';
		const first = await server.call('POST', '/api/v1/leads/upsert', agent, {
			phone,
			name: 'Carla',
			source: 'ctwa_ad',
			firstTouchToken: 'ad77',
			utmSource: 'instagram',
		});
		expect(first.statusCode).toBe(200);
		expect(first.json()).toMatchObject({ created: true, lead: { phoneE164: '+5511976543210', name: 'Carla', source: 'ctwa_ad', status: 'new', firstTouchToken: 'ad77', utmSource: 'instagram' } });
		const id = first.json().lead.id;

		// The same person without the ninth digit, from another campaign: the lead is updated, the first touch stays.
		const second = await server.call('POST', '/api/v1/leads/upsert', agent, {
			phone: '551176543210',
			status: 'contacted',
			score: 30,
			source: 'form',
			utmSource: 'google',
			utmCampaign: 'retarget',
		});
		expect(second.json()).toMatchObject({
			created: false,
			lead: { id, name: 'Carla', status: 'contacted', score: 30, source: 'ctwa_ad', utmSource: 'instagram', utmCampaign: 'retarget', firstTouchToken: 'ad77' },
		});

		// Concurrent upserts of a new phone make one lead.
		const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => server.call('POST', '/api/v1/leads/upsert', agent, { phone: '+5511955554444', name: `Race ${i}` })));
		expect(answers.map((a) => a.statusCode)).toEqual(Array(6).fill(200));
		expect(answers.filter((a) => a.json().created)).toHaveLength(1);
		expect(new Set(answers.map((a) => a.json().lead.id)).size).toBe(1);
		expect((await db.query("SELECT count(*)::int AS n FROM leads WHERE workspace_id = $1 AND phone_e164 = '+5511955554444'", [ws.workspaceId])).rows[0].n).toBe(1);

		const bad = await server.call('POST', '/api/v1/leads/upsert', agent, { phone: 'abcde', name: 'X' });
		expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'invalid_phone']);
		expect((await server.call('POST', '/api/v1/leads/upsert', agent, { name: 'No phone' })).statusCode).toBe(400);
	});

	it('answers one message with its status, and 404 for another workspace\'s', async () => {
		const message = await server.call('GET', `/api/v1/messages/${ws.messageIds[0]}`, agent);
		expect(message.statusCode).toBe(200);
		expect(message.json()).toMatchObject({ id: ws.messageIds[0], conversationId: ws.conversationId, status: 'delivered', direction: 'inbound', body: 'message 0' });
		expect((await server.call('GET', `/api/v1/messages/${other.messageIds[0]}`, agent)).statusCode).toBe(404);
		expect((await server.call('GET', '/api/v1/messages/not-a-uuid', agent)).statusCode).toBe(400);
	});
});
