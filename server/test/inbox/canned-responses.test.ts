import type { Db } from '../../src/db/db';
import { ADAPTERS, type InboxApp, openMigratedDb, seedWorkspace, type SeededWorkspace, signIn, startInboxApp } from './support/inbox-app';

/** Canned responses: the workspace's "/" shortcuts, kept by any attendant, never visible to another workspace. */
describe.each(ADAPTERS)('canned responses API on %s', (_driver, open) => {
	let db: Db;
	let server: InboxApp;
	let ws: SeededWorkspace;
	let other: SeededWorkspace;
	let agent: string;
	let otherAdmin: string;

	beforeAll(async () => {
		db = await openMigratedDb(open);
		server = await startInboxApp(db);
		ws = await seedWorkspace(db, server.runtime.integrationsKey, { messages: 0 });
		other = await seedWorkspace(db, server.runtime.integrationsKey, { messages: 0 });
		agent = (await signIn(server, ws.agent.email)).authorization;
		otherAdmin = (await signIn(server, other.admin.email)).authorization;
	});
	afterAll(async () => {
		await server.close();
		await db.close();
	});

	it('creates, lists (filtered), changes and deletes them; a short code is unique in its workspace', async () => {
		const created = await server.call('POST', '/api/v1/canned-responses', agent, { shortCode: '/Oi', content: 'Olá, {{first_name}}! Em que posso ajudar?' });
		expect(created.statusCode).toBe(201);
		expect(created.json()).toMatchObject({ shortCode: 'oi', content: 'Olá, {{first_name}}! Em que posso ajudar?', createdByUserId: ws.agent.id });
		const id = created.json().id as string;
		expect((await server.call('POST', '/api/v1/canned-responses', agent, { shortCode: 'pix', content: 'Nossa chave Pix é o CNPJ.' })).statusCode).toBe(201);

		const again = await server.call('POST', '/api/v1/canned-responses', agent, { shortCode: 'oi', content: 'outro' });
		expect(again.statusCode).toBe(409);
		expect(again.json().error.code).toBe('duplicate_short_code');
		// Another workspace may use the same code for its own text.
		expect((await server.call('POST', '/api/v1/canned-responses', otherAdmin, { shortCode: 'oi', content: 'Bom dia!' })).statusCode).toBe(201);

		const all = (await server.call('GET', '/api/v1/canned-responses', agent)).json().data as Array<{ shortCode: string }>;
		expect(all.map((c) => c.shortCode)).toEqual(['oi', 'pix']);
		const pix = (await server.call('GET', '/api/v1/canned-responses?q=CNPJ', agent)).json().data as Array<{ shortCode: string }>;
		expect(pix.map((c) => c.shortCode)).toEqual(['pix']);
		// LIKE's wildcards are searched as text.
		expect((await server.call('GET', '/api/v1/canned-responses?q=%25', agent)).json().data).toEqual([]);

		const changed = await server.call('PATCH', `/api/v1/canned-responses/${id}`, agent, { content: 'Oi, {{name}}!' });
		expect(changed.statusCode).toBe(200);
		expect(changed.json()).toMatchObject({ shortCode: 'oi', content: 'Oi, {{name}}!' });
		expect((await server.call('PATCH', `/api/v1/canned-responses/${id}`, agent, { shortCode: 'pix' })).statusCode).toBe(409);

		expect((await server.call('DELETE', `/api/v1/canned-responses/${id}`, agent)).statusCode).toBe(204);
		expect((await server.call('DELETE', `/api/v1/canned-responses/${id}`, agent)).statusCode).toBe(404);
		expect(((await server.call('GET', '/api/v1/canned-responses', agent)).json().data as unknown[]).length).toBe(1);
	});

	it('refuses bad input with a 400 and keeps each workspace to its own', async () => {
		for (const body of [{ shortCode: 'com espaço', content: 'x' }, { shortCode: '', content: 'x' }, { shortCode: 'ok', content: '   ' }, { shortCode: 'ok', content: 'x'.repeat(4097) }, { shortCode: 'ok' }]) {
			const answer = await server.call('POST', '/api/v1/canned-responses', agent, body);
			expect({ body, status: answer.statusCode }).toEqual({ body, status: 400 });
		}
		const theirs = (await server.call('GET', '/api/v1/canned-responses', otherAdmin)).json().data as Array<{ id: string; content: string }>;
		expect(theirs.map((c) => c.content)).toEqual(['Bom dia!']);
		expect((await server.call('PATCH', `/api/v1/canned-responses/${theirs[0].id}`, agent, { content: 'tomado' })).statusCode).toBe(404);
		expect((await server.call('DELETE', `/api/v1/canned-responses/${theirs[0].id}`, agent)).statusCode).toBe(404);
		const mine = (await server.call('GET', '/api/v1/canned-responses', agent)).json().data as Array<{ content: string }>;
		expect(mine.map((c) => c.content)).not.toContain('Bom dia!');
		expect((await server.call('GET', '/api/v1/canned-responses', undefined)).statusCode).toBe(401);
	});
});
