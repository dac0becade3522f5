import type { Db } from '../../src/db/db';
import { listRoutes } from '../../src/inbox/api/route-catalog';
import { ADAPTERS, type InboxApp, openMigratedDb, request, seedWorkspace, type SeededWorkspace, signIn, startInboxApp } from '../inbox/support/inbox-app';
import { subscribedSocket } from '../inbox/support/test-socket';

/**
 * The cross-workspace walk: an attendant (and an API token) of workspace A calls every route the server registers,
 * pointed at workspace B's rows, and must get 403/404 each time, with nothing of B in any answer and nothing of B
 * changed. Routes come from Fastify's own route list, so a route added later is walked too (or fails the test
 * because the walk does not know its parameter).
 */
describe.each(ADAPTERS)('workspace isolation on %s', (_driver, open) => {
	let db: Db;
	let server: InboxApp;
	let a: SeededWorkspace;
	let b: SeededWorkspace;
	let bTokenId: string;
	let bNotificationId: string;
	let bMediaId: string;
	let bSyncRunId: string;
	let bAgentId: string;
	let bSecrets: string[];
	let bSubscription: { id: string; secret: string };
	let bCannedId: string;
	let bWaitId: string;

	beforeAll(async () => {
		db = await openMigratedDb(open);
		server = await startInboxApp(db);
		a = await seedWorkspace(db, server.runtime.integrationsKey);
		b = await seedWorkspace(db, server.runtime.integrationsKey);
		const bAdmin = await signIn(server, b.admin.email);
		const token = await server.call('POST', '/api/v1/api-tokens', bAdmin.authorization, { name: 'B automation' });
		bTokenId = token.json().apiToken.id;
		await server.call('POST', `/api/v1/conversations/${b.conversationId}/assignment`, bAdmin.authorization, { assigneeId: b.agent.id });
		bNotificationId = (await db.query<{ id: string }>('SELECT id FROM inbox_notifications WHERE workspace_id = $1', [b.workspaceId])).rows[0].id;
		// A file in B's media store (uploaded the way an attendant does).
		const form = new FormData();
		form.append('file', new Blob([Buffer.from('B private photo bytes')], { type: 'image/jpeg' }), 'b-private.jpg');
		const uploaded = await fetch(`${server.url}/api/v1/media`, { method: 'POST', headers: { authorization: bAdmin.authorization }, body: form });
		const bMedia = (await uploaded.json()) as { id: string; sha256: string };
		bMediaId = bMedia.id;
		bSyncRunId = (
			await db.query<{ id: string }>(
				`INSERT INTO whatsapp_sync_runs (workspace_id, channel_id, days, window_start, window_end) VALUES ($1, $2, 30, now() - interval '30 days', now()) RETURNING id`,
				[b.workspaceId, b.channelId],
			)
		).rows[0].id;
		// An outgoing webhook subscription of B (its id and its signing secret must never reach A).
		const subscribed = (await server.call('POST', '/api/v1/webhook-subscriptions', bAdmin.authorization, { url: 'http://127.0.0.1:9/b-private-hook' })).json();
		bSubscription = { id: subscribed.subscription.id, secret: subscribed.secret };
		// B's AI agent, answering B's channel.
		const agent = await server.call('POST', '/api/v1/ai/agents', bAdmin.authorization, { name: 'B private agent', model: 'b-model', apiKey: 'b-ai-secret-key', channelIds: [b.channelId] });
		bAgentId = agent.json().id;
		// A canned response of B (its text must never reach A).
		bCannedId = (await server.call('POST', '/api/v1/canned-responses', bAdmin.authorization, { shortCode: 'b-private', content: 'b-private-canned text' })).json().id;
		// A reply wait of B (an n8n execution waiting for the contact's answer).
		const wait = await server.call('POST', `/api/v1/conversations/${b.conversationId}/reply-waits`, bAdmin.authorization, { resumeUrl: 'http://127.0.0.1:9/b-private-wait', timeoutSeconds: 3600 });
		if (wait.statusCode !== 201) throw new Error(`reply wait: ${wait.statusCode} ${wait.body}`);
		bWaitId = wait.json().wait.id;
		bSecrets = [
			b.workspaceId,
			b.admin.id,
			b.agent.id,
			b.admin.email,
			b.agent.email,
			b.channelId,
			b.contactId,
			b.conversationId,
			b.leadId,
			b.phoneDigits,
			bTokenId,
			bNotificationId,
			bMediaId,
			'b-private.jpg',
			bSyncRunId,
			bSubscription.id,
			bSubscription.secret,
			'b-private-hook',
			bAgentId,
			'B private agent',
			'b-ai-secret-key',
			bCannedId,
			'b-private-canned',
			...b.messageIds,
		];
	});
	afterAll(async () => {
		await server.close();
		await db.close();
	});

	async function snapshotOfB(): Promise<string> {
		const tables = ['users', 'whatsapp_channels', 'contacts', 'leads', 'whatsapp_conversations', 'whatsapp_messages', 'api_tokens', 'inbox_notifications', 'media_files', 'whatsapp_sync_runs', 'webhook_subscriptions', 'ai_agents', 'canned_responses'];
		const parts: string[] = [];
		for (const table of tables) {
			const { rows } = await db.query(`SELECT * FROM ${table} WHERE workspace_id = $1 ORDER BY id`, [b.workspaceId]);
			parts.push(JSON.stringify(rows.map((row) => ({ ...row, last_used_at: undefined, last_seen_at: undefined }))));
		}
		return parts.join('\n');
	}

	it('answers 403/404 on every route pointed at another workspace, and leaks nothing', async () => {
		const before = await snapshotOfB();
		const adminA = await signIn(server, a.admin.email);
		const tokenA = (await server.call('POST', '/api/v1/api-tokens', adminA.authorization, { name: 'A n8n', scopes: ['inbox', 'admin'] })).json().token as string;
		const tag = Date.now().toString(36);
		const idsOfB: Record<string, string> = {
			conversationId: b.conversationId,
			leadId: b.leadId,
			contactId: b.contactId,
			channelId: b.channelId,
			attendantId: b.agent.id,
			tokenId: bTokenId,
			mediaId: bMediaId,
			messageId: b.messageIds[0],
			runId: bSyncRunId,
			subscriptionId: bSubscription.id,
			cannedResponseId: bCannedId,
			// The API reference's static files (GET /docs/assets/:file): public, no workspace; a name it does not serve.
			file: 'no-such-asset.css',
			agentId: bAgentId,
			waitId: bWaitId,
		};
		// One body that satisfies every route's schema (zod drops the keys a route does not use), all references to B.
		const body = {
			assigneeId: b.agent.id,
			ownerUserId: b.agent.id,
			contactId: b.contactId,
			ids: [bNotificationId],
			note: 'walk',
			body: 'walk',
			on: true,
			name: 'Walk',
			email: `walk-${tag}@example.com`,
			password: 'walk password 123',
			workspaceName: 'Walk',
			instanceName: `walk-${tag}`,
			apiKey: 'walk-key',
		};
		const bodies: Record<string, Record<string, unknown>> = {
			'POST /api/v1/conversations/:conversationId/status': { status: 'resolved' },
			'POST /api/v1/messages/:messageId/edit': { text: 'walk' },
			'POST /api/v1/conversations/:conversationId/messages': { type: 'text', text: 'walk', clientId: `walk-${tag}` },
			'POST /api/v1/messages': { channelId: b.channelId, to: `+${b.phoneDigits}`, text: 'walk' },
			'POST /api/v1/messages/batch': { channelId: b.channelId, messages: [{ to: `+${b.phoneDigits}`, text: 'walk' }] },
			'PUT /api/v1/channels/:channelId/sync-settings': { syncOnFirstConnect: true, days: 7 },
			'POST /api/v1/ai/agents': { name: 'Walk', model: 'walk', channelIds: [b.channelId] },
			'PATCH /api/v1/ai/agents/:agentId': { name: 'Walk', channelIds: [a.channelId] },
			'POST /api/v1/conversations/:conversationId/ai': { state: 'active' },
			'POST /api/v1/conversations/:conversationId/reply-waits': { resumeUrl: 'http://127.0.0.1:9/walk', timeoutSeconds: 60 },
		};

		const routes = listRoutes(server.app).filter((r) => !r.websocket);
		// The walk must see the whole API, not a part of it.
		expect(routes.length).toBeGreaterThan(30);
		// Sign-out last: it ends the session the walk uses.
		const signOut = (url: string) => Number(url === '/api/v1/auth/logout');
		routes.sort((x, y) => signOut(x.url) - signOut(y.url));
		const checked: string[] = [];
		for (const caller of [adminA.authorization, `Bearer ${tokenA}`]) {
			for (const route of routes) {
				const params = [...route.url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
				for (const param of params) if (!idsOfB[param]) throw new Error(`the walk does not know route parameter :${param} of ${route.method} ${route.url}; add it`);
				const url = route.url.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => idsOfB[name]);
				const payload = route.method === 'GET' ? undefined : (bodies[`${route.method} ${route.url}`] ?? body);
				const answer = await request(server.url, route.method, url, {
					authorization: caller,
					payload,
					headers: route.url.startsWith('/webhooks/') ? { 'x-webhook-secret': a.webhookSecret } : {},
				});
				const label = `${route.method} ${route.url} → ${answer.statusCode} ${answer.body.slice(0, 200)}`;
				if (params.length > 0) {
					const allowed = route.isPublic || route.url.startsWith('/webhooks/') ? [401, 403, 404] : [403, 404];
					expect({ label, ok: allowed.includes(answer.statusCode) }).toEqual({ label, ok: true });
				} else if ((route.url === '/api/v1/messages' || route.url === '/api/v1/messages/batch') && route.method === 'POST') {
					// A send on B's channel: refused as not found, nothing queued.
					expect({ label, status: answer.statusCode }).toEqual({ label, status: 404 });
				} else if (route.url === '/api/v1/ai/agents' && route.method === 'POST') {
					// An agent pointed at B's channel: refused as not found, B's channel untouched.
					expect({ label, status: answer.statusCode }).toEqual({ label, status: 404 });
				} else if (route.url === '/api/v1/leads' && route.method === 'POST') {
					// A collection route given B's attendant and contact: refused as not found.
					expect({ label, status: answer.statusCode }).toEqual({ label, status: 404 });
				}
				for (const secret of bSecrets) expect({ label, leaks: answer.body.includes(secret) }).toEqual({ label, leaks: false });
				checked.push(`${route.method} ${route.url}`);
			}
		}
		// Lists filtered by B's channel are refused too.
		expect((await server.call('GET', `/api/v1/conversations?channelId=${b.channelId}`, `Bearer ${tokenA}`)).statusCode).toBe(404);
		expect(checked).toEqual(
			expect.arrayContaining([
				'GET /api/v1/conversations/:conversationId/messages',
				'DELETE /api/v1/leads/:leadId',
				'PATCH /api/v1/channels/:channelId',
				'POST /api/v1/conversations/:conversationId/messages',
				'POST /api/v1/messages/:messageId/retry',
				'DELETE /api/v1/messages/:messageId',
				'POST /api/v1/messages/:messageId/revoke',
				'PATCH /api/v1/ai/agents/:agentId',
				'POST /api/v1/conversations/:conversationId/ai',
			]),
		);
		expect(await snapshotOfB()).toBe(before);
	});

	it('keeps sockets to their own workspace: no subscribing to, typing in, or hearing another workspace', async () => {
		const agentA = await signIn(server, a.agent.email);
		const adminB = await signIn(server, b.admin.email);
		const socket = await subscribedSocket(server.url, agentA.authorization, ['workspace']);
		try {
			for (const channel of [`whatsapp.conversation.${b.conversationId}`, `whatsapp.workspace.${b.workspaceId}`]) {
				socket.send({ type: 'subscribe', channel });
				const refused = await socket.waitFor((f) => f.type === 'error' && f.ref === channel);
				expect(refused.code).toBe('not_found');
			}
			socket.send({ type: 'typing', conversationId: b.conversationId, on: true });
			expect((await socket.waitFor((f) => f.type === 'error' && f.ref === b.conversationId)).code).toBe('not_found');

			// B's activity, then A's: once A's event arrives, B's would have arrived before it.
			await server.call('POST', `/api/v1/conversations/${b.conversationId}/notes`, adminB.authorization, { body: 'B only' });
			const note = await server.call('POST', `/api/v1/conversations/${a.conversationId}/notes`, agentA.authorization, { body: 'A sentinel' });
			await socket.waitFor((f) => f.event === 'message.created' && f.data.message?.id === note.json().id);
			// Error frames echo what the client itself sent; only events could carry another workspace's data.
			const heard = JSON.stringify(socket.frames.filter((f) => f.type === 'event'));
			for (const secret of bSecrets) expect(heard.includes(secret)).toBe(false);
			expect(heard).not.toContain('B only');
		} finally {
			socket.close();
		}
	});
});
