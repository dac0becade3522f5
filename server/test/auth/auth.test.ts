import type { Db } from '../../src/db/db';
import { ADAPTERS, type InboxApp, openMigratedDb, seedWorkspace, type SeededWorkspace, signIn, startInboxApp, TEST_PASSWORD } from '../inbox/support/inbox-app';

describe.each(ADAPTERS)('authentication on %s', (_driver, open) => {
	let db: Db;
	let server: InboxApp;
	let ws: SeededWorkspace;
	let admin: { authorization: string };

	beforeAll(async () => {
		db = await openMigratedDb(open);
		server = await startInboxApp(db, { env: { LOGIN_RATE_LIMIT_MAX: '5', LOGIN_RATE_LIMIT_WINDOW_SECONDS: '600' } });
		ws = await seedWorkspace(db, server.runtime.integrationsKey);
		admin = await signIn(server, ws.admin.email);
	});
	afterAll(async () => {
		await server.close();
		await db.close();
	});

	const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, authorization?: string, payload?: unknown) => server.call(method, url, authorization, payload);

	it('registers the first workspace only while the server has none (SIGNUP_MODE=first)', async () => {
		const response = await call('POST', '/api/v1/auth/register', undefined, {
			workspaceName: 'Second',
			name: 'Zé',
			email: `ze-${Date.now()}@example.com`,
			password: 'long enough password',
		});
		expect(response.statusCode).toBe(403);
		expect(response.json()).toEqual({ error: { code: 'signup_closed', message: expect.any(String) } });
	});

	it('signs in with the right password and answers a session token, the attendant and the workspace', async () => {
		const response = await call('POST', '/api/v1/auth/login', undefined, { email: ws.agent.email.toUpperCase(), password: TEST_PASSWORD });
		expect(response.statusCode).toBe(200);
		const body = response.json();
		expect(body.token).toMatch(/^wis_[A-Za-z0-9_-]{43}$/);
		expect(body.user).toMatchObject({ id: ws.agent.id, role: 'agent', workspaceId: ws.workspaceId });
		expect(body.user.passwordHash).toBeUndefined();
		expect(body.workspace.id).toBe(ws.workspaceId);
		const stored = await db.query<{ token_hash: string }>('SELECT token_hash FROM user_sessions WHERE user_id = $1', [ws.agent.id]);
		expect(stored.rows.map((r) => r.token_hash)).not.toContain(body.token);

		const me = await call('GET', '/api/v1/auth/me', `Bearer ${body.token}`);
		expect(me.statusCode).toBe(200);
		expect(me.json()).toMatchObject({ via: 'session', role: 'agent', user: { id: ws.agent.id }, workspace: { id: ws.workspaceId } });
	});

	it('answers the same 401 for a wrong password and an unknown address', async () => {
		const wrong = await call('POST', '/api/v1/auth/login', undefined, { email: ws.admin.email, password: 'not the password' });
		const unknown = await call('POST', '/api/v1/auth/login', undefined, { email: 'nobody@example.com', password: 'not the password' });
		expect(wrong.statusCode).toBe(401);
		expect(unknown.statusCode).toBe(401);
		expect(wrong.json()).toEqual(unknown.json());
	});

	it('rate-limits sign-in attempts per client and address, with a JSON 429', async () => {
		const email = `limited-${Date.now()}@example.com`;
		const statuses: number[] = [];
		for (let i = 0; i < 6; i++) statuses.push((await call('POST', '/api/v1/auth/login', undefined, { email, password: 'guess' })).statusCode);
		expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
		const limited = await call('POST', '/api/v1/auth/login', undefined, { email, password: 'guess' });
		expect(limited.json().error.code).toBe('rate_limited');
		// Another address from the same client is not locked out.
		expect((await call('POST', '/api/v1/auth/login', undefined, { email: ws.agent.email, password: TEST_PASSWORD })).statusCode).toBe(200);
	});

	it('turns away missing, malformed and unknown tokens', async () => {
		for (const authorization of [undefined, 'Bearer', 'Basic abc', 'Bearer wis_nope', 'Bearer wit_nope', 'Bearer a.b.c']) {
			const response = await call('GET', '/api/v1/conversations', authorization);
			expect(response.statusCode).toBe(401);
			expect(response.json().error.code).toBe('unauthorized');
		}
	});

	it('signs out: the token stops working', async () => {
		const { authorization } = await signIn(server, ws.agent.email);
		expect((await call('POST', '/api/v1/auth/logout', authorization)).statusCode).toBe(204);
		expect((await call('GET', '/api/v1/auth/me', authorization)).statusCode).toBe(401);
	});

	it('lets admins make API tokens for n8n, shown once, usable, and revocable', async () => {
		const created = await call('POST', '/api/v1/api-tokens', admin.authorization, { name: 'n8n production' });
		expect(created.statusCode).toBe(201);
		const { token, apiToken } = created.json();
		expect(token).toMatch(/^wit_/);
		expect(apiToken).toMatchObject({ name: 'n8n production', scopes: ['inbox'], tokenPrefix: token.slice(0, 10) });

		const listed = await call('GET', '/api/v1/api-tokens', admin.authorization);
		expect(JSON.stringify(listed.json())).not.toContain(token);
		expect(listed.json().data.map((t: { id: string }) => t.id)).toContain(apiToken.id);

		const asN8n = await call('GET', '/api/v1/conversations?status=all', `Bearer ${token}`);
		expect(asN8n.statusCode).toBe(200);
		expect(asN8n.json().data.map((c: { id: string }) => c.id)).toContain(ws.conversationId);
		// An inbox-scoped token is not an admin.
		expect((await call('GET', '/api/v1/api-tokens', `Bearer ${token}`)).statusCode).toBe(403);

		expect((await call('DELETE', `/api/v1/api-tokens/${apiToken.id}`, admin.authorization)).statusCode).toBe(200);
		expect((await call('GET', '/api/v1/conversations', `Bearer ${token}`)).statusCode).toBe(401);
	});

	it('keeps API tokens and attendant management to admins', async () => {
		const agent = await signIn(server, ws.agent.email);
		expect((await call('POST', '/api/v1/api-tokens', agent.authorization, { name: 'mine' })).statusCode).toBe(403);
		expect((await call('POST', '/api/v1/attendants', agent.authorization, { email: 'x@example.com', name: 'X' })).statusCode).toBe(403);
		expect((await call('PATCH', `/api/v1/attendants/${ws.admin.id}`, agent.authorization, { name: 'Hacked' })).statusCode).toBe(403);
		expect((await call('PATCH', `/api/v1/attendants/${ws.agent.id}`, agent.authorization, { role: 'admin' })).statusCode).toBe(403);
		const self = await call('PATCH', `/api/v1/attendants/${ws.agent.id}`, agent.authorization, { locale: 'en' });
		expect(self.statusCode).toBe(200);
		expect(self.json().locale).toBe('en');
	});

	it('ends every session of an attendant an admin deactivates', async () => {
		const created = await call('POST', '/api/v1/attendants', admin.authorization, {
			email: `carla-${Date.now()}@example.com`,
			name: 'Carla',
			password: 'another long password',
		});
		expect(created.statusCode).toBe(201);
		const carla = await signIn(server, created.json().email, 'another long password');
		expect((await call('GET', '/api/v1/auth/me', carla.authorization)).statusCode).toBe(200);
		expect((await call('PATCH', `/api/v1/attendants/${created.json().id}`, admin.authorization, { isActive: false })).statusCode).toBe(200);
		expect((await call('GET', '/api/v1/auth/me', carla.authorization)).statusCode).toBe(401);
		const again = await call('POST', '/api/v1/auth/login', undefined, { email: created.json().email, password: 'another long password' });
		expect(again.statusCode).toBe(401);
	});

	it('answers invalid input with a JSON 400 naming the field, and oversized bodies with a JSON 413', async () => {
		const invalid = await call('POST', '/api/v1/attendants', admin.authorization, { email: 'not-an-email', name: '' });
		expect(invalid.statusCode).toBe(400);
		expect(invalid.json().error.code).toBe('validation_error');
		expect(invalid.json().error.message).toMatch(/body\.email/);
		const huge = await call('POST', `/api/v1/conversations/${ws.conversationId}/notes`, admin.authorization, { body: 'x'.repeat(300 * 1024) });
		expect(huge.statusCode).toBe(413);
		expect(huge.json().error.code).toBe('payload_too_large');
	});
});

describe('registration on an empty server', () => {
	it('creates the workspace and its admin, signed in, then closes', async () => {
		const db = await openMigratedDb(ADAPTERS[0][1]);
		const server = await startInboxApp(db);
		try {
			expect((await server.call('GET', '/api/v1/auth/signup')).json()).toEqual({ open: true, mode: 'first' });
			const first = await server.call('POST', '/api/v1/auth/register', undefined, {
				workspaceName: 'Loja da Maria',
				name: 'Maria',
				email: 'maria@example.com',
				password: 'a long password',
			});
			expect(first.statusCode).toBe(201);
			expect(first.json()).toMatchObject({ user: { role: 'admin', email: 'maria@example.com' }, workspace: { name: 'Loja da Maria' } });
			expect(first.json().workspace.slug).toMatch(/^loja-da-maria-[0-9a-f]{6}$/);
			const me = await server.call('GET', '/api/v1/auth/me', `Bearer ${first.json().token}`);
			expect(me.json().role).toBe('admin');
			const second = await server.call('POST', '/api/v1/auth/register', undefined, {
				workspaceName: 'Other',
				name: 'Eve',
				email: 'eve@example.com',
				password: 'a long password',
			});
			expect(second.statusCode).toBe(403);
			// The web app asks this before showing "create your workspace".
			expect((await server.call('GET', '/api/v1/auth/signup')).json()).toEqual({ open: false, mode: 'first' });
		} finally {
			await server.close();
			await db.close();
		}
	});
});
