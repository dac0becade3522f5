import type { Db } from '../../src/db/db';
import { contactSchema } from '../../src/inbox/contacts/contacts';
import { leadSchema } from '../../src/inbox/leads/lead-schemas';
import { ADAPTERS, type InboxApp, openMigratedDb, seedWorkspace, type SeededWorkspace, signIn, startInboxApp } from './support/inbox-app';
import { subscribedSocket, type TestSocket } from './support/test-socket';

/**
 * What the web app's contact side panel does, through the public API only: rename the contact, change the lead's
 * score, owner and custom fields. Each change is announced on /realtime (contact.updated, lead.updated) so another
 * attendant's page shows it without a reload, and the answers have exactly the documented shape.
 */
describe.each(ADAPTERS)('contact panel edits through the public API on %s', (_driver, open) => {
	let db: Db;
	let server: InboxApp;
	let ws: SeededWorkspace;
	let other: SeededWorkspace;
	let agent: string;
	let otherAgent: string;
	const sockets: TestSocket[] = [];

	beforeAll(async () => {
		db = await openMigratedDb(open);
		server = await startInboxApp(db);
		ws = await seedWorkspace(db, server.runtime.integrationsKey);
		other = await seedWorkspace(db, server.runtime.integrationsKey);
		agent = (await signIn(server, ws.agent.email)).authorization;
		otherAgent = (await signIn(server, other.agent.email)).authorization;
	});
	afterAll(async () => {
		for (const socket of sockets) socket.close();
		await server.close();
		await db.close();
	});

	it('announces a contact renamed or opted out to the workspace (contact.updated with the contact), not to another workspace', async () => {
		// The admin's page listens for the agent's change; another workspace's page hears nothing of it.
		const admin = (await signIn(server, ws.admin.email)).authorization;
		const listener = await subscribedSocket(server.url, admin, ['workspace']);
		const stranger = await subscribedSocket(server.url, otherAgent, ['workspace']);
		sockets.push(listener, stranger);

		const renamed = await server.call('PATCH', `/api/v1/contacts/${ws.contactId}`, agent, { name: 'Maria <b>VIP</b>' });
		expect(renamed.statusCode).toBe(200);
		expect(contactSchema.strict().parse(renamed.json())).toMatchObject({ id: ws.contactId, name: 'Maria <b>VIP</b>', pushName: 'Maria', leadId: ws.leadId });
		const event = await listener.waitFor((f) => f.event === 'contact.updated' && f.data.contact?.name === 'Maria <b>VIP</b>');
		expect(event.data.contact).toEqual(renamed.json());
		expect(event.channel).toBe(`whatsapp.workspace.${ws.workspaceId}`);

		const optedOut = await server.call('POST', `/api/v1/contacts/${ws.contactId}/opt-out`, agent, { reason: 'pediu por telefone' });
		expect(optedOut.statusCode).toBe(200);
		await listener.waitFor((f) => f.event === 'contact.updated' && f.data.contact?.optedOutWord === 'pediu por telefone');
		const optedIn = await server.call('POST', `/api/v1/contacts/${ws.contactId}/opt-in`, agent);
		expect(optedIn.json().optedOutAt).toBeNull();
		await listener.waitFor((f) => f.event === 'contact.updated' && f.data.contact?.updatedAt === optedIn.json().updatedAt);
		expect(listener.events('contact.updated').map((f) => f.data.contact.optedOutWord)).toEqual([null, 'pediu por telefone', null]);

		// A refused change announces nothing.
		const before = listener.events('contact.updated').length;
		expect((await server.call('PATCH', `/api/v1/contacts/${other.contactId}`, agent, { name: 'X' })).statusCode).toBe(404);
		expect((await server.call('PATCH', `/api/v1/contacts/${ws.contactId}`, agent, {})).statusCode).toBe(400);
		// The stranger's socket is the control: a later event of its own workspace arrives, none of ours did before it.
		expect((await server.call('PATCH', `/api/v1/contacts/${other.contactId}`, otherAgent, { name: 'Outra' })).statusCode).toBe(200);
		await stranger.waitFor((f) => f.event === 'contact.updated' && f.data.contact?.id === other.contactId);
		expect(stranger.events('contact.updated').map((f) => f.data.contact.id)).toEqual([other.contactId]);
		expect(listener.events('contact.updated')).toHaveLength(before);
	});

	it("changes the lead's score, owner and custom fields, each announced as lead.updated with the lead", async () => {
		const listener = await subscribedSocket(server.url, (await signIn(server, ws.admin.email)).authorization, ['workspace']);
		sockets.push(listener);
		const patch = (body: unknown) => server.call('PATCH', `/api/v1/leads/${ws.leadId}`, agent, body);

		const scored = await patch({ score: 40 });
		expect(scored.statusCode).toBe(200);
		expect(leadSchema.strict().parse(scored.json())).toMatchObject({ id: ws.leadId, score: 40 });
		await listener.waitFor((f) => f.event === 'lead.updated' && f.data.lead?.score === 40);

		const owned = await patch({ ownerUserId: ws.admin.id });
		expect(owned.json().ownerUserId).toBe(ws.admin.id);
		await listener.waitFor((f) => f.event === 'lead.updated' && f.data.lead?.ownerUserId === ws.admin.id);
		// Only the workspace's own attendants may own its leads.
		expect((await patch({ ownerUserId: other.agent.id })).statusCode).toBe(404);
		expect((await patch({ ownerUserId: null })).json().ownerUserId).toBeNull();

		const fields = await patch({ attributes: { plano: 'ouro', 'cidade natal': 'Recife', pedidos: 3 } });
		expect(fields.json().attributes).toEqual({ plano: 'ouro', 'cidade natal': 'Recife', pedidos: 3 });
		// The custom fields are replaced as a whole: a field left out is removed.
		const replaced = await patch({ attributes: { plano: 'prata', pedidos: 3 } });
		expect(replaced.json().attributes).toEqual({ plano: 'prata', pedidos: 3 });
		const announced = await listener.waitFor((f) => f.event === 'lead.updated' && f.data.lead?.attributes?.plano === 'prata');
		expect(announced.data.lead).toEqual(replaced.json());
		expect((await server.call('GET', `/api/v1/leads/${ws.leadId}`, agent)).json()).toMatchObject({ score: 40, ownerUserId: null, attributes: { plano: 'prata', pedidos: 3 } });

		// Out of range and another workspace's lead are refused, and change nothing.
		expect((await patch({ score: 1001 })).statusCode).toBe(400);
		expect((await server.call('PATCH', `/api/v1/leads/${other.leadId}`, agent, { score: 5 })).statusCode).toBe(404);
		expect((await db.query<{ score: number }>('SELECT score FROM leads WHERE id = $1', [other.leadId])).rows[0].score).toBe(0);
	});

	it('documents the routes the panel uses, with their answers, in the OpenAPI document', async () => {
		const document = (await server.call('GET', '/docs')).json();
		// A shared answer shape is a named component the route refers to ($ref).
		const named = (schema: { $ref?: string }) => (schema.$ref ? document.components.schemas[schema.$ref.replace('#/components/schemas/', '')] : schema);
		const answer = (path: string, method: string) => named(document.paths[path][method].responses['200'].content['application/json'].schema);
		expect(answer('/api/v1/leads/{leadId}', 'patch').properties).toEqual(expect.objectContaining({ score: expect.anything(), ownerUserId: expect.anything(), attributes: expect.anything() }));
		expect(document.paths['/api/v1/leads/{leadId}'].patch.requestBody.content['application/json'].schema.properties).toEqual(
			expect.objectContaining({ score: expect.anything(), ownerUserId: expect.anything(), attributes: expect.anything(), status: expect.anything() }),
		);
		expect(answer('/api/v1/contacts/{contactId}', 'patch').properties.name).toBeDefined();
		expect(answer('/api/v1/channels/{channelId}/syncs/{runId}', 'get').required).toEqual(expect.arrayContaining(['status', 'chatsDone', 'chatsTotal']));
		expect(answer('/api/v1/notifications', 'get').properties.meta.properties.unreadCount).toBeDefined();
		expect(answer('/api/v1/ai/agents/{agentId}', 'get').properties.hasApiKey).toBeDefined();
		expect(answer('/api/v1/ai/agents/{agentId}', 'get').properties.apiKey).toBeUndefined();
	});
});
