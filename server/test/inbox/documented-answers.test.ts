import { agentViewSchema } from '../../src/ai/agent-store';
import { attendantViewSchema } from '../../src/auth/attendant-view-schema';
import { callerAnswerSchema, sessionAnswerSchema } from '../../src/auth/session-answer-schema';
import { appendChannelLog } from '../../src/channels/channel-log';
import { channelLogPageSchema } from '../../src/channels/channel-log-schema';
import { channelQrViewSchema } from '../../src/channels/channel-qr-view-schema';
import { channelViewSchema } from '../../src/channels/channel-view-schema';
import type { Db } from '../../src/db/db';
import { cannedResponseSchema } from '../../src/inbox/canned-responses/canned-response-schema';
import { conversationPageSchema, conversationViewSchema } from '../../src/inbox/conversations/conversation-view-schema';
import { threadMessagePageSchema, threadMessageSchema } from '../../src/inbox/messages/message-view-schema';
import { mediaFileSchema } from '../../src/media/media-file-schema';
import { notificationSchema } from '../../src/inbox/notifications/notifications';
import { syncRunSchema } from '../../src/sync/sync-runs';
import { evolutionFixture } from '../support/ingest-database';
import { ADAPTERS, type InboxApp, openMigratedDb, request, seedWorkspace, type SeededWorkspace, signIn, startInboxApp, TEST_PASSWORD } from './support/inbox-app';

/**
 * The web app's types of these answers are generated from the OpenAPI document (api-schema.d.ts), which takes them
 * from the routes' response schemas. The real answers must have exactly that shape (no field more, none less, the
 * same types), or the page would read what the server never sends: history sync runs, AI agents, notifications,
 * conversations, thread messages, channels (with their pacing settings, QR and log), sign-in, attendants, canned
 * responses and media files. The view schemas are strict objects at every level (z.object alone
 * would drop a field the schema lacks and pass), so a view that gains or renames a field fails here.
 */
describe.each(ADAPTERS)('answers match their documented schemas on %s', (_driver, open) => {
	let db: Db;
	let server: InboxApp;
	let ws: SeededWorkspace;
	let admin: string;
	let agent: string;

	beforeAll(async () => {
		db = await openMigratedDb(open);
		// Sign-up open: creating a workspace is one of the answers checked (the seeded workspaces would close it).
		server = await startInboxApp(db, { env: { SIGNUP_MODE: 'open' } });
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

	it('conversations: the list page, one conversation, and what assigning, changing the status and the AI answer', async () => {
		const page = conversationPageSchema.parse((await server.call('GET', '/api/v1/conversations?assignee=all&status=all', agent)).json());
		expect(page.data.map((c) => c.id)).toContain(ws.conversationId);
		expect(page.data[0].contact).toMatchObject({ name: 'Maria Souza', pushName: 'Maria' });
		// The notifications test before this one gave the conversation to the agent.
		expect(page.meta).toEqual({ counts: { mine: 1, unassigned: 0, all: 1 }, countCap: 1000, nextCursor: null });
		const one = conversationViewSchema.parse((await server.call('GET', `/api/v1/conversations/${ws.conversationId}`, agent)).json());
		expect(one).toEqual(page.data.find((c) => c.id === ws.conversationId));
		const unassigned = await server.call('POST', `/api/v1/conversations/${ws.conversationId}/assignment`, admin, { assigneeId: null });
		expect(conversationViewSchema.parse(unassigned.json())).toMatchObject({ assigneeId: null });
		const snoozedUntil = new Date(Date.now() + 3_600_000).toISOString();
		const snoozed = await server.call('POST', `/api/v1/conversations/${ws.conversationId}/status`, agent, { status: 'snoozed', snoozedUntil });
		expect(conversationViewSchema.parse(snoozed.json())).toMatchObject({ status: 'snoozed', snoozedUntil });
		const paused = await server.call('POST', `/api/v1/conversations/${ws.conversationId}/ai`, agent, { state: 'paused' });
		expect(paused.statusCode).toBe(200);
		expect(conversationViewSchema.parse(paused.json())).toMatchObject({ aiState: 'paused' });
	});

	it('thread messages: a photo, a reaction on a message, a system line with its details, a note and a queued send', async () => {
		const channel = channelViewSchema.parse((await server.call('GET', `/api/v1/channels/${ws.channelId}`, agent)).json());
		const jid = `${ws.phoneDigits}@s.whatsapp.net`;
		const deliver = async (webhook: Record<string, any>) => {
			const answer = await request(server.url, 'POST', `/webhooks/evolution/${ws.channelId}`, { payload: webhook, headers: { 'x-webhook-secret': ws.webhookSecret } });
			expect(answer.statusCode).toBe(200);
		};
		// The contact sends a photo (with its bytes, as Evolution's webhookBase64 does) and reacts to a message of the thread.
		const photo = evolutionFixture('messages.upsert-image');
		photo.instance = channel.instanceName;
		photo.data.key = { remoteJid: jid, fromMe: false, id: 'PHOTO1', addressingMode: 'pn' };
		photo.data.message.base64 = Buffer.from('not really a jpeg').toString('base64');
		await deliver(photo);
		const before = threadMessagePageSchema.parse((await server.call('GET', `/api/v1/conversations/${ws.conversationId}/messages`, agent)).json());
		const target = before.data.find((m) => m.id === ws.messageIds[0])!;
		const reaction = evolutionFixture('messages.upsert-reaction');
		reaction.instance = channel.instanceName;
		reaction.data.key = { remoteJid: jid, fromMe: false, id: 'REACT1', addressingMode: 'pn' };
		reaction.data.message.reactionMessage.key = { remoteJid: jid, fromMe: false, id: target.waMessageId };
		await deliver(reaction);
		// An attendant transfers (a system line with details), writes a note and sends a text (queued: no worker here).
		expect((await server.call('POST', `/api/v1/conversations/${ws.conversationId}/assignment`, agent, { assigneeId: ws.admin.id, note: 'Cliente VIP' })).statusCode).toBe(200);
		const note = await server.call('POST', `/api/v1/conversations/${ws.conversationId}/notes`, agent, { body: 'Ligar amanhã' });
		expect(note.statusCode).toBe(201);
		expect(threadMessageSchema.parse(note.json())).toMatchObject({ type: 'note', direction: 'internal' });
		const sent = await server.call('POST', `/api/v1/conversations/${ws.conversationId}/messages`, agent, { type: 'text', text: 'Já te respondo', clientId: 'documented-1' });
		expect(sent.statusCode).toBe(202);
		expect(threadMessageSchema.parse(sent.json())).toMatchObject({ status: 'queued', direction: 'outbound', clientMessageId: 'documented-1' });

		const thread = threadMessagePageSchema.parse((await server.call('GET', `/api/v1/conversations/${ws.conversationId}/messages`, agent)).json());
		const byType = (type: string) => thread.data.filter((m) => m.type === type);
		expect(byType('image')).toEqual([
			expect.objectContaining({ waMessageId: 'PHOTO1', body: 'Segue a foto do produto', media: expect.objectContaining({ mimeType: 'image/jpeg' }) }),
		]);
		expect(thread.data.find((m) => m.id === target.id)?.reactions).toEqual([{ emoji: '👍', reactorJid: jid, fromMe: false }]);
		expect(byType('system')).toContainEqual(expect.objectContaining({ details: expect.objectContaining({ kind: 'assignment', toUserId: ws.admin.id, note: 'Cliente VIP' }) }));
		expect(byType('note')).toHaveLength(1);
		// One message by id answers the same view.
		const image = byType('image')[0];
		expect(threadMessageSchema.parse((await server.call('GET', `/api/v1/messages/${image.id}`, agent)).json())).toEqual(image);
	});

	it('channels: listed, one, changed and added (its webhook secret shown once, beside the view)', async () => {
		const list = await server.call('GET', '/api/v1/channels', agent);
		const channels = (list.json().data as unknown[]).map((c) => channelViewSchema.parse(c));
		expect(channels.map((c) => c.id)).toEqual([ws.channelId]);
		expect(channelViewSchema.parse((await server.call('GET', `/api/v1/channels/${ws.channelId}`, agent)).json())).toEqual(channels[0]);
		const changed = await server.call('PATCH', `/api/v1/channels/${ws.channelId}`, admin, { settings: { outbox: { perMinute: 12 } } });
		expect(channelViewSchema.parse(changed.json()).settings).toEqual({ outbox: { perMinute: 12 } });
		// The pacing form saves every field; the view shows them back as the document describes settings.outbox.
		const outbox = { perMinute: 20, dailyCap: 500, warmup: false, sendWindow: { startHour: 8, endHour: 20, days: [1, 2, 3, 4, 5], timeZone: 'America/Sao_Paulo' }, typing: true, numberSince: null };
		const paced = await server.call('PATCH', `/api/v1/channels/${ws.channelId}`, admin, { settings: { outbox } });
		expect(channelViewSchema.parse(paced.json()).settings.outbox).toEqual(outbox);
		const added = await server.call('POST', '/api/v1/channels', admin, { name: 'Suporte', instanceName: `support-${ws.workspaceId.slice(0, 8)}`, instance: 'none' });
		expect(added.statusCode).toBe(201);
		const { channel, webhookSecret, ...rest } = added.json();
		expect(rest).toEqual({});
		expect(webhookSecret).toEqual(expect.any(String));
		expect(channelViewSchema.parse(channel)).toMatchObject({ name: 'Suporte', status: 'created' });
	});

	it('signing in, creating a workspace, who the caller is (an attendant or an API token) and the attendants', async () => {
		const login = await server.call('POST', '/api/v1/auth/login', undefined, { email: ws.agent.email, password: TEST_PASSWORD });
		expect(login.statusCode).toBe(200);
		const session = sessionAnswerSchema.parse(login.json());
		expect(session).toMatchObject({ user: { id: ws.agent.id, role: 'agent', workspaceId: ws.workspaceId }, workspace: { id: ws.workspaceId } });
		const registered = await server.call('POST', '/api/v1/auth/register', undefined, { workspaceName: 'Loja Nova', name: 'Carla', email: `carla-${ws.workspaceId.slice(0, 8)}@example.com`, password: TEST_PASSWORD });
		expect(registered.statusCode).toBe(201);
		expect(sessionAnswerSchema.parse(registered.json())).toMatchObject({ user: { name: 'Carla', role: 'admin' }, workspace: { name: 'Loja Nova' } });

		const me = callerAnswerSchema.parse((await server.call('GET', '/api/v1/auth/me', `Bearer ${session.token}`)).json());
		// The same attendant, seen again since signing in.
		expect(me).toEqual({ via: 'session', role: 'agent', user: { ...session.user, lastSeenAt: expect.any(String) }, workspace: session.workspace });
		const created = await server.call('POST', '/api/v1/api-tokens', admin, { name: 'n8n' });
		expect(created.statusCode).toBe(201);
		const byToken = callerAnswerSchema.parse((await server.call('GET', '/api/v1/auth/me', `Bearer ${created.json().token}`)).json());
		expect(byToken).toMatchObject({ via: 'api_token', user: null, workspace: session.workspace });

		const listed = (await server.call('GET', '/api/v1/attendants', agent)).json().data as unknown[];
		expect(listed.map((a) => attendantViewSchema.parse(a).id).sort()).toEqual([ws.admin.id, ws.agent.id].sort());
		const added = await server.call('POST', '/api/v1/attendants', admin, { email: `davi-${ws.workspaceId.slice(0, 8)}@example.com`, name: 'Davi', password: TEST_PASSWORD });
		expect(added.statusCode).toBe(201);
		const davi = attendantViewSchema.parse(added.json());
		const renamed = await server.call('PATCH', `/api/v1/attendants/${davi.id}`, admin, { name: 'Davi Lima', locale: 'en' });
		expect(attendantViewSchema.parse(renamed.json())).toEqual({ ...davi, name: 'Davi Lima', locale: 'en' });
	});

	it("a channel's QR while it pairs, and its log page by page", async () => {
		// The state a pairing leaves (the QR Evolution sent, the window's end), written as the lifecycle writes it.
		await db.query(
			`UPDATE whatsapp_channels SET status = 'connecting', qr_code = '2@documented-answer-qr', qr_count = 1, qr_updated_at = now(), qr_expires_at = now() + interval '3 minutes'
			 WHERE workspace_id = $1 AND id = $2`,
			[ws.workspaceId, ws.channelId],
		);
		const qr = await server.call('GET', `/api/v1/channels/${ws.channelId}/qr`, admin);
		expect(qr.statusCode).toBe(200);
		expect(channelQrViewSchema.parse(qr.json())).toMatchObject({ channelId: ws.channelId, status: 'connecting', code: '2@documented-answer-qr', pairingCode: null, count: 1, image: expect.stringMatching(/^data:image\/png;base64,/) });

		await appendChannelLog(db, ws.workspaceId, ws.channelId, { kind: 'step', message: 'Instance created', details: { instanceName: 'documented' } });
		await appendChannelLog(db, ws.workspaceId, ws.channelId, { kind: 'state', status: 'connecting', reason: 'qr_issued', message: 'QR issued' });
		const first = channelLogPageSchema.parse((await server.call('GET', `/api/v1/channels/${ws.channelId}/log?limit=1`, agent)).json());
		expect(first.data).toEqual([expect.objectContaining({ kind: 'state', status: 'connecting', reason: 'qr_issued', details: null })]);
		expect(first.nextCursor).toBe(first.data[0].id);
		const second = channelLogPageSchema.parse((await server.call('GET', `/api/v1/channels/${ws.channelId}/log?limit=1&before=${first.nextCursor}`, agent)).json());
		expect(second.data).toEqual([expect.objectContaining({ kind: 'step', status: null, details: { instanceName: 'documented' } })]);
	});

	it('canned responses, created, listed and changed', async () => {
		const created = await server.call('POST', '/api/v1/canned-responses', agent, { shortCode: '/Oi', content: 'Olá, {{first_name}}! Como posso ajudar?' });
		expect(created.statusCode).toBe(201);
		const canned = cannedResponseSchema.parse(created.json());
		expect(canned).toMatchObject({ shortCode: 'oi', createdByUserId: ws.agent.id });
		const listed = (await server.call('GET', '/api/v1/canned-responses', agent)).json().data as unknown[];
		expect(listed.map((c) => cannedResponseSchema.parse(c))).toEqual([canned]);
		const changed = await server.call('PATCH', `/api/v1/canned-responses/${canned.id}`, admin, { content: 'Oi, {{name}}!' });
		expect(cannedResponseSchema.parse(changed.json())).toMatchObject({ id: canned.id, shortCode: 'oi', content: 'Oi, {{name}}!' });
	});

	it('a media file, uploaded and described (never its storage key)', async () => {
		const form = new FormData();
		form.append('durationSeconds', '3');
		form.append('file', new Blob([Buffer.from('not really an ogg')], { type: 'audio/ogg' }), 'nota.ogg');
		const response = await fetch(`${server.url}/api/v1/media`, { method: 'POST', headers: { authorization: agent }, body: form });
		expect(response.status).toBe(201);
		const uploaded = mediaFileSchema.parse(await response.json());
		expect(uploaded).toMatchObject({ workspaceId: ws.workspaceId, origin: 'upload', status: 'stored', contentType: 'audio/ogg', fileName: 'nota.ogg', durationSeconds: 3 });
		expect(mediaFileSchema.parse((await server.call('GET', `/api/v1/media/${uploaded.id}/info`, agent)).json())).toEqual(uploaded);
	});

	it("a message's media never carries where the server stores the file", async () => {
		// A captured photo, as capture-records.ts leaves the message: its file in the store under an internal path.
		const storageKey = `workspaces/${ws.workspaceId}/media/documented-answer-photo`;
		await db.query(`UPDATE whatsapp_messages SET type = 'image', media_mime_type = 'image/jpeg', media_storage_key = $3 WHERE workspace_id = $1 AND id = $2`, [
			ws.workspaceId,
			ws.messageIds[1],
			storageKey,
		]);
		const one = await server.call('GET', `/api/v1/messages/${ws.messageIds[1]}`, agent);
		expect(threadMessageSchema.parse(one.json()).media).toEqual({ id: null, url: null, mimeType: 'image/jpeg', fileName: null, sizeBytes: null, durationSeconds: null });
		const thread = await server.call('GET', `/api/v1/conversations/${ws.conversationId}/messages`, agent);
		expect(threadMessagePageSchema.parse(thread.json()).data.map((m) => m.id)).toContain(ws.messageIds[1]);
		for (const answer of [one, thread]) {
			expect(answer.body).not.toContain(storageKey);
			expect(answer.body).not.toContain('storageKey');
		}
	});
});
