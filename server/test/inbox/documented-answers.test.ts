import { agentViewSchema } from '../../src/ai/agent-store';
import type { Db } from '../../src/db/db';
import { notificationSchema } from '../../src/inbox/notifications/notifications';
import { syncRunSchema } from '../../src/sync/sync-runs';
import { ADAPTERS, type InboxApp, openMigratedDb, seedWorkspace, type SeededWorkspace, signIn, startInboxApp } from './support/inbox-app';

/**
 * The web app's types of these answers are generated from the OpenAPI document (api-schema.d.ts), which takes them
 * from the routes' response schemas. The real answers must have exactly that shape (no field more, none less, the
 * same types), or the page would read what the server never sends: history sync runs, AI agents, notifications.
 */
describe.each(ADAPTERS)('answers match their documented schemas on %s', (_driver, open) => {
	let db: Db;
	let server: InboxApp;
	let ws: SeededWorkspace;
	let admin: string;
	let agent: string;

	beforeAll(async () => {
		db = await openMigratedDb(open);
		server = await startInboxApp(db);
		ws = await seedWorkspace(db, server.runtime.integrationsKey);
		admin = (await signIn(server, ws.admin.email)).authorization;
		agent = (await signIn(server, ws.agent.email)).authorization;
	});
	afterAll(async () => {
		await server.close();
		await db.close();
	});

	it("a channel's history sync runs, listed and one by one", async () => {
		// A finished run and a queued one, written as the sync worker writes them (no Evolution needed to read them).
		await db.query(
			`INSERT INTO whatsapp_sync_runs (workspace_id, channel_id, days, trigger, status, window_start, window_end, chats_total, chats_done, messages_imported, started_at, finished_at, created_at)
			 VALUES ($1, $2, 30, 'manual', 'completed', now() - interval '30 days', now(), 3, 3, 120, now(), now(), now() - interval '1 hour')`,
			[ws.workspaceId, ws.channelId],
		);
		await db.query(
			`INSERT INTO whatsapp_sync_runs (workspace_id, channel_id, days, trigger, chat_filter, window_start, window_end)
			 VALUES ($1, $2, 7, 'first_connect', ARRAY['5511999991234@s.whatsapp.net'], now() - interval '7 days', now())`,
			[ws.workspaceId, ws.channelId],
		);
		const list = await server.call('GET', `/api/v1/channels/${ws.channelId}/syncs`, agent);
		expect(list.statusCode).toBe(200);
		const runs = list.json().data as unknown[];
		expect(runs).toHaveLength(2);
		const parsed = runs.map((run) => syncRunSchema.strict().parse(run));
		expect(parsed.map((r) => [r.status, r.trigger, r.chats])).toEqual([
			['queued', 'first_connect', ['5511999991234@s.whatsapp.net']],
			['completed', 'manual', null],
		]);
		const one = await server.call('GET', `/api/v1/channels/${ws.channelId}/syncs/${parsed[1].id}`, agent);
		expect(syncRunSchema.strict().parse(one.json())).toEqual(parsed[1]);
		const cancelled = await server.call('POST', `/api/v1/channels/${ws.channelId}/syncs/${parsed[0].id}/cancel`, admin);
		expect(syncRunSchema.strict().parse(cancelled.json())).toMatchObject({ id: parsed[0].id, status: 'cancelled', cancelRequested: true });
	});

	it('AI agents, created, listed, read and changed (never their key)', async () => {
		const created = await server.call('POST', '/api/v1/ai/agents', admin, { name: 'Atendente virtual', model: 'gpt-4o-mini', apiKey: 'sk-test-not-a-real-key', channelIds: [ws.channelId] });
		expect(created.statusCode).toBe(201);
		const view = agentViewSchema.strict().parse(created.json());
		expect(view).toMatchObject({ name: 'Atendente virtual', hasApiKey: true, channelIds: [ws.channelId], handOffKeywords: ['atendente', 'humano'] });
		expect(JSON.stringify(created.json())).not.toContain('sk-test-not-a-real-key');
		expect(agentViewSchema.strict().parse((await server.call('GET', '/api/v1/ai/agents', admin)).json().data[0])).toEqual(view);
		expect(agentViewSchema.strict().parse((await server.call('GET', `/api/v1/ai/agents/${view.id}`, admin)).json())).toEqual(view);
		const changed = await server.call('PATCH', `/api/v1/ai/agents/${view.id}`, admin, { enabled: false, apiKey: null });
		expect(agentViewSchema.strict().parse(changed.json())).toMatchObject({ enabled: false, hasApiKey: false });
	});

	it("an attendant's notifications, and marking them read", async () => {
		// The admin assigns the conversation to the agent: the agent's bell gets a notification.
		expect((await server.call('POST', `/api/v1/conversations/${ws.conversationId}/assignment`, admin, { assigneeId: ws.agent.id, note: 'Cliente VIP' })).statusCode).toBe(200);
		const page = await server.call('GET', '/api/v1/notifications', agent);
		expect(page.statusCode).toBe(200);
		const { data, meta } = page.json() as { data: unknown[]; meta: { nextCursor: string | null; unreadCount: number } };
		expect(meta).toEqual({ nextCursor: null, unreadCount: 1 });
		expect(data.map((n) => notificationSchema.strict().parse(n))).toEqual([
			expect.objectContaining({ userId: ws.agent.id, conversationId: ws.conversationId, kind: 'conversation_assigned', body: 'Cliente VIP', readAt: null }),
		]);
		const read = await server.call('POST', '/api/v1/notifications/read', agent, {});
		expect(read.json()).toEqual({ marked: 1 });
		const after = (await server.call('GET', '/api/v1/notifications', agent)).json();
		expect(notificationSchema.strict().parse(after.data[0]).readAt).toEqual(expect.any(String));
		expect(after.meta.unreadCount).toBe(0);
	});
});
