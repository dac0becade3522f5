import type { Db } from '../../src/db/db';
import { ADAPTERS, type InboxApp, openMigratedDb, seedWorkspace, type SeededWorkspace, signIn, startInboxApp } from '../inbox/support/inbox-app';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

/** /metrics (prom-client, METRICS_TOKEN) and the bull-board dashboard at /admin/queues (admins only). */
describe.each(ADAPTERS)('operations endpoints on %s', (_driver, open) => {
	let db: Db;
	let server: InboxApp;
	let ws: SeededWorkspace;

	beforeAll(async () => {
		db = await openMigratedDb(open);
		server = await startInboxApp(db, { env: { METRICS_TOKEN } });
		ws = await seedWorkspace(db, server.runtime.integrationsKey);
	});
	afterAll(async () => {
		await server.close();
		await db.close();
	});

	it('serves Prometheus metrics only with the METRICS_TOKEN: queue depth per queue, webhooks by answer', async () => {
		// One webhook delivery the ingest refuses (400) and one it accepts.
		const hook = (body: string) =>
			fetch(`${server.url}/webhooks/evolution/${ws.channelId}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-webhook-secret': ws.webhookSecret }, body });
		expect((await hook('{"event":"nothing.known"}')).status).toBeGreaterThanOrEqual(200);

		expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
		expect((await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
		const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
		const text = await response.text();
		expect(text).toMatch(/^whatsapp_inbox_queue_jobs\{queue="media-fetch",state="waiting"\} \d+$/m);
		expect(text).toMatch(/^whatsapp_inbox_queue_jobs\{queue="channel-lifecycle",state="delayed"\} \d+$/m);
		expect(text).toMatch(/^whatsapp_inbox_webhooks_total\{provider="evolution",status="\d{3}"\} 1$/m);
		for (const name of ['whatsapp_inbox_outbox_sends_total', 'whatsapp_inbox_outbox_retries_total', 'whatsapp_inbox_outbox_send_latency_seconds', 'whatsapp_inbox_outbox_breaker_state', 'whatsapp_inbox_media_captures_total']) {
			expect(text).toContain(`# TYPE ${name} `);
		}
		// The outbox counts through the same registry.
		expect(server.runtime.outbox).toBeDefined();
		server.runtime.outbox?.counters.sendOutcome(ws.channelId, 'retried');
		const after = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
		expect(after).toMatch(/^whatsapp_inbox_outbox_retries_total 1$/m);
		expect(after).toMatch(/^whatsapp_inbox_outbox_sends_total\{outcome="retried"\} 1$/m);
	});

	it('never opens the queue dashboard without an admin login, and serves it to an admin session', async () => {
		const page = await fetch(`${server.url}/admin/queues`, { headers: { accept: 'text/html' }, redirect: 'manual' });
		expect(page.status).toBe(302);
		expect(page.headers.get('location')).toBe('/admin/login');
		expect((await fetch(`${server.url}/admin/queues/api/queues`)).status).toBe(401);
		const login = await fetch(`${server.url}/admin/login`);
		expect(login.status).toBe(200);
		expect(await login.text()).toContain('/api/v1/auth/login');

		const agent = await signIn(server, ws.agent.email);
		expect((await fetch(`${server.url}/admin/queues/api/queues`, { headers: { authorization: agent.authorization } })).status).toBe(403);
		const agentCookie = await fetch(`${server.url}/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: agent.token }) });
		expect(agentCookie.status).toBe(403);
		expect(agentCookie.headers.get('set-cookie')).toBeNull();
		expect((await fetch(`${server.url}/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'wis_forged' }) })).status).toBe(401);
		expect((await fetch(`${server.url}/admin/queues/api/queues`, { headers: { cookie: 'wis_admin=wis_forged' } })).status).toBe(401);

		const admin = await signIn(server, ws.admin.email);
		const session = await fetch(`${server.url}/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: admin.token }) });
		expect(session.status).toBe(204);
		const cookie = session.headers.get('set-cookie')!;
		expect(cookie).toMatch(/^wis_admin=wis_[^;]+; Path=\/admin; HttpOnly; SameSite=Strict$/);
		const headers = { cookie: cookie.split(';')[0] };
		const dashboard = await fetch(`${server.url}/admin/queues`, { headers: { ...headers, accept: 'text/html' }, redirect: 'manual' });
		expect(dashboard.status).toBe(200);
		expect(await dashboard.text()).toContain('WhatsApp Inbox');
		const queues = await fetch(`${server.url}/admin/queues/api/queues`, { headers });
		expect(queues.status).toBe(200);
		const names = ((await queues.json()) as { queues: Array<{ name: string }> }).queues.map((q) => q.name);
		expect(names).toEqual(expect.arrayContaining(['media-fetch', 'channel-lifecycle']));

		// Signing out ends the dashboard too.
		await server.call('POST', '/api/v1/auth/logout', admin.authorization);
		expect((await fetch(`${server.url}/admin/queues/api/queues`, { headers })).status).toBe(401);
	});
});
