import { randomUUID } from 'node:crypto';
import nock from 'nock';
import type { Db } from '../../src/db/db';
import { ADAPTERS, eventually, type InboxApp, openMigratedDb, seedWorkspace, type SeededWorkspace, signIn, startInboxApp } from '../inbox/support/inbox-app';

const SUPABASE_URL = 'https://abcdefghijklmnop.supabase.co';
const SERVICE_ROLE_KEY = `service-role-${randomUUID()}`;

/** A JWT-shaped token (Supabase checks it; we only need its shape and expiry). */
function accessToken(expiresInSeconds = 3600): string {
	const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
	return `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ sub: 'x', exp: Math.floor(Date.now() / 1000) + expiresInSeconds })}.${randomUUID().replace(/-/g, '')}`;
}

interface Broadcast {
	topic: string;
	event: string;
	isPrivate: boolean;
	apikey: string | undefined;
	payload: { event: string; workspaceId: string; conversationId: string | null; data: { message?: { id: string } } };
}

// nock replaces the process's http client as soon as it is imported, and the test files that Jest runs one after another
// in a worker share that module: left on, every later file's HTTP went through its interceptor, whose passthrough
// sockets surfaced there as bare `connect ECANCELED` failures. This file puts it back when it is done.
afterAll(() => nock.restore());

describe.each(ADAPTERS)('Supabase integration on %s (recorded HTTP)', (_driver, open) => {
	let db: Db;
	let server: InboxApp;
	let ws: SeededWorkspace;
	const broadcasts: Broadcast[] = [];

	beforeAll(async () => {
		db = await openMigratedDb(open);
		server = await startInboxApp(db, { env: { SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY: SERVICE_ROLE_KEY } });
		ws = await seedWorkspace(db, server.runtime.integrationsKey);
		nock.disableNetConnect();
		nock.enableNetConnect('127.0.0.1');
		// Supabase Realtime's HTTP broadcast: POST /realtime/v1/api/broadcast/{topic}/events/{event}[?private=true] → 202.
		nock(SUPABASE_URL)
			.persist()
			.post(/^\/realtime\/v1\/api\/broadcast\/[^/]+\/events\/[^/?]+/)
			.query(true)
			.reply(function (uri, body) {
				const url = new URL(uri, SUPABASE_URL);
				const [, topic, event] = /broadcast\/([^/]+)\/events\/([^/]+)$/.exec(url.pathname)!;
				const apikey = this.req.headers.apikey;
				broadcasts.push({
					topic: decodeURIComponent(topic),
					event: decodeURIComponent(event),
					isPrivate: url.searchParams.get('private') === 'true',
					apikey: Array.isArray(apikey) ? apikey[0] : apikey,
					payload: body as Broadcast['payload'],
				});
				return [202, ''];
			});
	});
	afterAll(async () => {
		nock.cleanAll();
		nock.enableNetConnect();
		await server.close();
		await db.close();
	});

	it('broadcasts realtime events on Supabase Realtime channels named like ours, privately, with the service key', async () => {
		const admin = await signIn(server, ws.admin.email);
		const note = await server.call('POST', `/api/v1/conversations/${ws.conversationId}/notes`, admin.authorization, { body: 'para o Supabase' });
		expect(note.statusCode).toBe(201);
		const sent = await eventually(() => {
			const found = broadcasts.filter((b) => b.event === 'message.created' && b.payload.data.message?.id === note.json().id);
			if (found.length < 2) throw new Error('not yet');
			return found;
		});
		expect(sent.map((b) => b.topic).sort()).toEqual([`whatsapp.conversation.${ws.conversationId}`, `whatsapp.workspace.${ws.workspaceId}`].sort());
		for (const broadcast of sent) {
			expect(broadcast).toMatchObject({ isPrivate: true, apikey: SERVICE_ROLE_KEY });
			expect(broadcast.payload).toMatchObject({ event: 'message.created', workspaceId: ws.workspaceId, conversationId: ws.conversationId });
		}

		await server.call('POST', `/api/v1/conversations/${ws.conversationId}/assignment`, admin.authorization, { assigneeId: ws.agent.id });
		// The bell goes only to the attendant's own channel.
		const bell = await eventually(() => {
			const found = broadcasts.filter((b) => b.event === 'notification.created');
			if (!found.length) throw new Error('not yet');
			return found;
		});
		expect(bell.map((b) => b.topic)).toEqual([`whatsapp.user.${ws.agent.id}`]);
	});

	it('accepts attendants signed in with Supabase Auth, mapped by users.auth_user_id, and checks each token once a minute', async () => {
		const authUserId = randomUUID();
		await db.query('UPDATE users SET auth_user_id = $2 WHERE id = $1', [ws.agent.id, authUserId]);
		const token = accessToken();
		const check = nock(SUPABASE_URL, { reqheaders: { authorization: `Bearer ${token}`, apikey: SERVICE_ROLE_KEY } })
			.get('/auth/v1/user')
			.once()
			.reply(200, { id: authUserId, aud: 'authenticated', role: 'authenticated', email: ws.agent.email });
		const me = await server.call('GET', '/api/v1/auth/me', `Bearer ${token}`);
		expect(me.statusCode).toBe(200);
		expect(me.json()).toMatchObject({ via: 'supabase', role: 'agent', user: { id: ws.agent.id }, workspace: { id: ws.workspaceId } });
		expect(check.isDone()).toBe(true);
		// Cached: no second round trip (nock would refuse it).
		expect((await server.call('GET', '/api/v1/conversations', `Bearer ${token}`)).statusCode).toBe(200);

		const rejected = accessToken();
		nock(SUPABASE_URL).get('/auth/v1/user').reply(401, { code: 401, msg: 'invalid JWT' });
		expect((await server.call('GET', '/api/v1/auth/me', `Bearer ${rejected}`)).statusCode).toBe(401);

		const stranger = accessToken();
		nock(SUPABASE_URL).get('/auth/v1/user').reply(200, { id: randomUUID(), aud: 'authenticated' });
		expect((await server.call('GET', '/api/v1/auth/me', `Bearer ${stranger}`)).statusCode).toBe(401);
	});
});

describe.each(ADAPTERS)('migrations on a Supabase-shaped database (%s)', (_driver, open) => {
	it('enable row-level security with the workspace-membership policy, and publish the chat tables to Realtime', async () => {
		const db = await open();
		try {
			// What a Supabase database has and a plain PostgreSQL does not.
			await db.exec(`CREATE SCHEMA auth;
				CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT NULL::uuid $$;
				CREATE PUBLICATION supabase_realtime;`);
			await openMigratedDb(async () => db);
			const { rows } = await db.query<{ tablename: string; rowsecurity: boolean; policies: number }>(
				`SELECT t.tablename, t.rowsecurity, (SELECT count(*)::int FROM pg_policies p WHERE p.tablename = t.tablename AND p.policyname = 'workspace_members') AS policies
				 FROM pg_tables t WHERE t.schemaname = 'public' AND t.tablename IN ('workspaces', 'users', 'whatsapp_conversations', 'whatsapp_messages', 'leads', 'inbox_notifications')
				 ORDER BY t.tablename`,
			);
			expect(rows).toHaveLength(6);
			for (const row of rows) expect(row).toMatchObject({ rowsecurity: true, policies: 1 });
			const published = await db.query<{ tablename: string }>("SELECT tablename FROM pg_publication_tables WHERE pubname = 'supabase_realtime' ORDER BY tablename");
			expect(published.rows.map((r) => r.tablename)).toEqual(expect.arrayContaining(['whatsapp_conversations', 'whatsapp_messages']));
		} finally {
			await db.close();
		}
	});
});
