import type { Db } from '../../src/db/db';
import { ADAPTERS, type InboxApp, openMigratedDb, seedWorkspace, type SeededWorkspace, signIn, startInboxApp } from './support/inbox-app';

describe.each(ADAPTERS)('workspace settings API on %s', (_driver, open) => {
	let db: Db;
	let server: InboxApp;
	let ws: SeededWorkspace;
	let admin: { authorization: string };
	let agent: { authorization: string };

	beforeAll(async () => {
		db = await openMigratedDb(open);
		server = await startInboxApp(db);
		ws = await seedWorkspace(db, server.runtime.integrationsKey);
		admin = await signIn(server, ws.admin.email);
		agent = await signIn(server, ws.agent.email);
	});
	afterAll(async () => {
		await server.close();
		await db.close();
	});

	it('members read the settings, only admins change them, and a bad body is a 400 naming the field', async () => {
		const read = await server.call('GET', '/api/v1/workspace/settings', agent.authorization);
		expect({ status: read.statusCode, body: read.json() }).toEqual({ status: 200, body: { retainDeletedMessages: false } });

		expect((await server.call('PATCH', '/api/v1/workspace/settings', agent.authorization, { retainDeletedMessages: true })).statusCode).toBe(403);
		const bad = await server.call('PATCH', '/api/v1/workspace/settings', admin.authorization, { retainDeletedMessages: 'yes' });
		expect(bad.statusCode).toBe(400);
		expect(bad.json().error.message).toContain('body.retainDeletedMessages');

		const changed = await server.call('PATCH', '/api/v1/workspace/settings', admin.authorization, { retainDeletedMessages: true });
		expect({ status: changed.statusCode, body: changed.json() }).toEqual({ status: 200, body: { retainDeletedMessages: true } });
		expect((await server.call('GET', '/api/v1/workspace/settings', agent.authorization)).json()).toEqual({ retainDeletedMessages: true });
		const { rows } = await db.query<{ retain_deleted_messages: boolean }>('SELECT retain_deleted_messages FROM workspaces WHERE id = $1', [ws.workspaceId]);
		expect(rows[0].retain_deleted_messages).toBe(true);
		expect((await server.call('GET', '/api/v1/workspace/settings')).statusCode).toBe(401);
	});
});
