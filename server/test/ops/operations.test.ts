import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/db';
import { ADAPTERS, eventually, type InboxApp, openMigratedDb, seedWorkspace, type SeededWorkspace, signIn, startInboxApp } from '../inbox/support/inbox-app';

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
		// A workspace admin (no OPERATOR_WORKSPACE_IDS here) sees their own outbox queues only, none yet; the shared
		// queues are for server operators (the scope tests below).
		expect(names).toEqual([]);

		// Signing out ends the dashboard too.
		await server.call('POST', '/api/v1/auth/logout', admin.authorization);
		expect((await fetch(`${server.url}/admin/queues/api/queues`, { headers })).status).toBe(401);
	});
});

/**
 * The queue dashboard's scope on a server shared by two workspaces (and an operating one): each admin sees and acts on
 * their own channels' outbox queues only, through bull-board's own API routes, and only a server operator
 * (OPERATOR_WORKSPACE_IDS) sees the shared queues and may change a queue's shape.
 */
describe.each(ADAPTERS)('queue dashboard scope on %s', (_driver, open) => {
	let db: Db;
	let server: InboxApp;
	let a: SeededWorkspace;
	let b: SeededWorkspace;
	let ops: SeededWorkspace;
	const logLines: string[] = [];

	beforeAll(async () => {
		db = await openMigratedDb(open);
		const integrationsKey = randomBytes(32);
		[a, b, ops] = [await seedWorkspace(db, integrationsKey), await seedWorkspace(db, integrationsKey), await seedWorkspace(db, integrationsKey)];
		server = await startInboxApp(db, { integrationsKey, logLines, env: { OPERATOR_WORKSPACE_IDS: ops.workspaceId } });
	});
	afterAll(async () => {
		await server.close();
		await db.close();
	});

	const board = (authorization: string, method: string, path: string, body?: unknown) =>
		fetch(`${server.url}/admin/queues/api${path}`, {
			method,
			headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
	const queueNames = async (authorization: string) => {
		const answer = await board(authorization, 'GET', '/queues');
		expect(answer.status).toBe(200);
		return ((await answer.json()) as { queues: Array<{ name: string }> }).queues.map((q) => q.name).sort();
	};
	/** A reply queued in the workspace's conversation; the unreachable Evolution keeps its job in the delayed set. */
	const delayedReply = async (ws: SeededWorkspace, authorization: string) => {
		const sent = await server.call('POST', `/api/v1/conversations/${ws.conversationId}/messages`, authorization, { text: 'Já te respondo', typing: false });
		expect(sent.statusCode).toBe(202);
		const id = sent.json().id as string;
		const queue = server.runtime.outbox!.queues.queue(ws.channelId);
		await eventually(async () => expect(await queue.getJobState(id)).toBe('delayed'), 30_000);
		return id;
	};

	it("shows an admin only their workspace's outbox queues and refuses every action on another workspace's jobs", async () => {
		const adminA = (await signIn(server, a.admin.email)).authorization;
		const adminB = (await signIn(server, b.admin.email)).authorization;
		const operator = (await signIn(server, ops.admin.email)).authorization;
		const jobA = await delayedReply(a, adminA);
		const jobB = await delayedReply(b, adminB);
		const queueA = `outbox-${a.channelId}`;
		const queueB = `outbox-${b.channelId}`;

		// Each admin's list: their own outbox queue, nothing shared, nothing of the other workspace.
		expect(await queueNames(adminA)).toEqual([queueA]);
		expect(await queueNames(adminB)).toEqual([queueB]);
		// The operator sees all of it, the shared queues included.
		expect(await queueNames(operator)).toEqual(expect.arrayContaining([queueA, queueB, 'media-fetch', 'channel-lifecycle']));

		// A's admin cannot read or act on B's queue or job through any of bull-board's routes: the queue does not exist for them.
		const onB: Array<[string, string]> = [
			['GET', `/queues/${queueB}/${jobB}`],
			['GET', `/queues/${queueB}/${jobB}/logs`],
			['PUT', `/queues/${queueB}/${jobB}/retry`],
			['PUT', `/queues/${queueB}/${jobB}/promote`],
			['PUT', `/queues/${queueB}/${jobB}/clean`],
			['PUT', `/queues/${queueB}/retry/failed`],
			['PUT', `/queues/${queueB}/clean/delayed`],
			['PUT', `/queues/${queueB}/promote`],
			['PUT', `/queues/${queueB}/pause`],
			['PUT', `/queues/${queueB}/empty`],
		];
		for (const [method, path] of onB) {
			const answer = await board(adminA, method, path);
			expect([method, path, answer.status]).toEqual([method, path, 404]);
		}
		// Pausing "all" pauses only what A sees.
		expect((await board(adminA, 'PUT', '/queues/pause')).status).toBe(200);
		const outbox = server.runtime.outbox!.queues;
		expect(await outbox.queue(a.channelId).isPaused()).toBe(true);
		expect(await outbox.queue(b.channelId).isPaused()).toBe(false);
		expect((await board(adminA, 'PUT', '/queues/resume')).status).toBe(200);
		expect(await outbox.queue(a.channelId).isPaused()).toBe(false);
		// B's job is untouched, its message still queued.
		expect(await outbox.queue(b.channelId).getJobState(jobB)).toBe('delayed');
		expect((await db.query('SELECT status FROM whatsapp_messages WHERE id = $1', [jobB])).rows[0]).toEqual({ status: 'queued' });

		// On their own queue A's admin reads and acts on jobs...
		const own = await board(adminA, 'GET', `/queues/${queueA}/${jobA}`);
		expect(own.status).toBe(200);
		expect(((await own.json()) as { job: { id: string } }).job.id).toBe(jobA);
		expect((await board(adminA, 'PUT', `/queues/${queueA}/clean/completed`)).status).toBe(200);
		// ...but cannot add jobs (one naming B's message would reach B's send) nor change the queue's concurrency.
		expect((await board(adminA, 'POST', `/queues/${queueA}/add`, { name: 'send', data: { messageId: jobB } })).status).toBe(403);
		expect((await board(adminA, 'PUT', `/queues/${queueA}/concurrency`, { concurrency: 5 })).status).toBe(403);
		expect((await board(adminA, 'PATCH', `/queues/${queueA}/${jobA}/update-data`, { data: { messageId: jobB } })).status).toBe(403);
		expect(await outbox.queue(a.channelId).getJobs(['waiting', 'delayed', 'active', 'prioritized'])).toHaveLength(1);

		// The operator may; still, a job on A's queue naming B's message is ignored by A's worker, never sent from A's queue.
		const added = await board(operator, 'POST', `/queues/${queueA}/add`, { name: 'send', data: { messageId: jobB } });
		expect(added.status).toBe(200);
		await eventually(() => expect(logLines.some((line) => line.includes("a job named another channel's message; ignored") && line.includes(jobB))).toBe(true), 30_000);
		expect(await outbox.queue(b.channelId).getJobState(jobB)).toMatch(/^(delayed|waiting|active)$/);
	});
});
