import type { Db } from '../../src/db/db';
import { ADAPTERS, type InboxApp, openMigratedDb, seedWorkspace, type SeededWorkspace, signIn, startInboxApp } from './support/inbox-app';

/** "Mark as unread": the badge comes back for the team (at least 1), nothing goes to WhatsApp, each workspace its own. */
describe.each(ADAPTERS)('mark unread on %s', (_driver, open) => {
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

	const unreadOf = async (id: string) => (await server.call('GET', `/api/v1/conversations/${id}`, agent)).json().unreadCount as number;

	it('brings a read conversation back to 1 unread, keeps a higher count, and lists it under unread=true', async () => {
		// Seeded with 2 unread: marking unread keeps them.
		const kept = await server.call('POST', `/api/v1/conversations/${ws.conversationId}/unread`, agent);
		expect(kept.statusCode).toBe(200);
		expect(kept.json()).toEqual({ conversationId: ws.conversationId, unreadCount: 2 });

		expect((await server.call('POST', `/api/v1/conversations/${ws.conversationId}/read`, agent)).statusCode).toBe(200);
		expect(await unreadOf(ws.conversationId)).toBe(0);
		const listedBefore = (await server.call('GET', '/api/v1/conversations?unread=true', agent)).json().data as Array<{ id: string }>;
		expect(listedBefore.map((c) => c.id)).not.toContain(ws.conversationId);

		const marked = await server.call('POST', `/api/v1/conversations/${ws.conversationId}/unread`, agent);
		expect(marked.json()).toEqual({ conversationId: ws.conversationId, unreadCount: 1 });
		expect(await unreadOf(ws.conversationId)).toBe(1);
		const listed = (await server.call('GET', '/api/v1/conversations?unread=true', agent)).json().data as Array<{ id: string }>;
		expect(listed.map((c) => c.id)).toContain(ws.conversationId);
	});

	it("answers 404 for another workspace's conversation and leaves it alone", async () => {
		const before = (await db.query<{ unread_count: number }>('SELECT unread_count FROM whatsapp_conversations WHERE id = $1', [other.conversationId])).rows[0].unread_count;
		expect((await server.call('POST', `/api/v1/conversations/${other.conversationId}/read`, (await signIn(server, other.admin.email)).authorization)).statusCode).toBe(200);
		expect((await server.call('POST', `/api/v1/conversations/${other.conversationId}/unread`, agent)).statusCode).toBe(404);
		expect((await db.query<{ unread_count: number }>('SELECT unread_count FROM whatsapp_conversations WHERE id = $1', [other.conversationId])).rows[0].unread_count).toBe(0);
		expect(before).toBe(2);
		expect((await server.call('POST', '/api/v1/conversations/not-a-uuid/unread', agent)).statusCode).toBe(400);
	});
});
