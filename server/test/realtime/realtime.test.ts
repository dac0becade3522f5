import type { Db } from '../../src/db/db';
import { ADAPTERS, type InboxApp, openMigratedDb, request, seedWorkspace, type SeededWorkspace, signIn, startInboxApp } from '../inbox/support/inbox-app';
import { openSocket, subscribedSocket, type TestSocket } from '../inbox/support/test-socket';

const TYPING_TIMEOUT_MS = 400;

function textWebhook(phoneDigits: string, id: string, text: string) {
	return {
		event: 'messages.upsert',
		instance: 'acme',
		data: {
			key: { remoteJid: `${phoneDigits}@s.whatsapp.net`, fromMe: false, id, addressingMode: 'pn' },
			pushName: 'Maria',
			status: 'DELIVERY_ACK',
			message: { conversation: text },
			messageType: 'conversation',
			messageTimestamp: Math.floor(Date.now() / 1000),
			instanceId: '0b8c3f6e-5a9d-4e21-9c47-3f1d2a6b8e90',
			source: 'ios',
		},
		date_time: new Date().toISOString(),
		sender: '5511999990000@s.whatsapp.net',
	};
}

function presenceWebhook(phoneDigits: string, presence: string) {
	const jid = `${phoneDigits}@s.whatsapp.net`;
	return { event: 'presence.update', instance: 'acme', data: { id: jid, presences: { [jid]: { lastKnownPresence: presence } } }, date_time: new Date().toISOString() };
}

/**
 * Two server instances (separate Fastify apps on separate ports, each with its own Redis connections) over one
 * database and the run's private Redis: what one publishes reaches sockets held by the other.
 */
describe.each(ADAPTERS)('realtime across two server instances on %s', (_driver, open) => {
	let db: Db;
	let first: InboxApp;
	let second: InboxApp;
	let ws: SeededWorkspace;
	let agent: { authorization: string };
	let admin: { authorization: string };
	const sockets: TestSocket[] = [];
	const track = (s: TestSocket) => (sockets.push(s), s);

	beforeAll(async () => {
		db = await openMigratedDb(open);
		const env = { REALTIME_TYPING_TIMEOUT_MS: String(TYPING_TIMEOUT_MS) };
		[first, second] = [await startInboxApp(db, { env }), await startInboxApp(db, { env })];
		ws = await seedWorkspace(db, first.runtime.integrationsKey);
		agent = await signIn(first, ws.agent.email);
		admin = await signIn(first, ws.admin.email);
	});
	afterEach(() => {
		for (const socket of sockets.splice(0)) socket.close();
	});
	afterAll(async () => {
		await first.close();
		await second.close();
		await db.close();
	});

	it('refuses sockets without a valid token, by header or by first frame', async () => {
		const bad = track(await openSocket(second.url));
		bad.send({ type: 'subscribe', channel: 'workspace' });
		await bad.waitFor((f) => f.type === 'error' && f.code === 'unauthorized');
		bad.send({ type: 'auth', token: 'wis_not-a-real-token' });
		expect(await bad.closeCode).toBe(4401);

		const byFrame = track(await openSocket(second.url));
		byFrame.send({ type: 'auth', token: agent.authorization.slice(7) });
		const ready = await byFrame.waitFor((f) => f.type === 'ready');
		expect(ready).toMatchObject({ workspaceId: ws.workspaceId, userId: ws.agent.id, channels: [`whatsapp.user.${ws.agent.id}`] });
	});

	it("delivers the REST API's events from one instance to sockets on the other, by channel", async () => {
		const listener = track(await subscribedSocket(second.url, agent.authorization, ['workspace']));
		const thread = track(await subscribedSocket(second.url, admin.authorization, [`whatsapp.conversation.${ws.conversationId}`]));

		const note = await first.call('POST', `/api/v1/conversations/${ws.conversationId}/notes`, admin.authorization, { body: 'a note' });
		const created = await thread.waitFor((f) => f.event === 'message.created' && f.data.message.id === note.json().id);
		expect(created).toMatchObject({ channel: `whatsapp.conversation.${ws.conversationId}`, conversationId: ws.conversationId, data: { message: { type: 'note', body: 'a note' } } });
		await listener.waitFor((f) => f.event === 'message.created' && f.channel === `whatsapp.workspace.${ws.workspaceId}`);

		await first.call('POST', `/api/v1/conversations/${ws.conversationId}/assignment`, admin.authorization, { assigneeId: ws.agent.id });
		const changed = await listener.waitFor((f) => f.event === 'assignee.changed');
		expect(changed.data).toMatchObject({ conversationId: ws.conversationId, assigneeId: ws.agent.id, previousAssigneeId: null });
		await listener.waitFor((f) => f.event === 'conversation.updated' && f.data.conversation.assigneeId === ws.agent.id);
		// The bell rings only for the new assignee, on their own channel.
		const bell = await listener.waitFor((f) => f.event === 'notification.created');
		expect(bell).toMatchObject({ channel: `whatsapp.user.${ws.agent.id}`, data: { notification: { kind: 'conversation_assigned' } } });
		await thread.waitFor((f) => f.event === 'assignee.changed');
		expect(thread.events('notification.created')).toEqual([]);

		await first.call('POST', `/api/v1/conversations/${ws.conversationId}/read`, agent.authorization);
		const unread = await listener.waitFor((f) => f.event === 'conversation.unread_count_changed');
		expect(unread.data).toMatchObject({ conversationId: ws.conversationId, unreadCount: 0 });
	});

	it('delivers ingested webhooks (message, conversation, unread count, bell) to sockets on the other instance', async () => {
		const listener = track(await subscribedSocket(second.url, agent.authorization, ['workspace']));
		await db.query('UPDATE whatsapp_conversations SET assigned_user_id = $2 WHERE id = $1', [ws.conversationId, ws.agent.id]);
		const waId = `3EB0${Date.now()}`;
		const delivered = await request(first.url, 'POST', `/webhooks/evolution/${ws.channelId}`, {
			payload: textWebhook(ws.phoneDigits, waId, 'Quero comprar'),
			headers: { 'x-webhook-secret': ws.webhookSecret },
		});
		expect(delivered.statusCode).toBeLessThan(300);
		const message = await listener.waitFor((f) => f.event === 'message.created' && f.data.message?.waMessageId === waId);
		expect(message.data.message).toMatchObject({ conversationId: ws.conversationId, direction: 'inbound', body: 'Quero comprar' });
		await listener.waitFor((f) => f.event === 'conversation.updated' && f.data.conversation?.id === ws.conversationId);
		const unread = await listener.waitFor((f) => f.event === 'conversation.unread_count_changed' && f.data.unreadCount > 0);
		expect(unread.conversationId).toBe(ws.conversationId);
		const bell = await listener.waitFor((f) => f.event === 'notification.created' && f.data.notification.kind === 'message_received');
		expect(bell.data.notification).toMatchObject({ conversationId: ws.conversationId, body: 'Quero comprar' });
	});

	it('turns WhatsApp presence into typing_on, and typing_off by itself after the timeout', async () => {
		const thread = track(await subscribedSocket(second.url, agent.authorization, [`whatsapp.conversation.${ws.conversationId}`]));
		const started = Date.now();
		await request(first.url, 'POST', `/webhooks/evolution/${ws.channelId}`, {
			payload: presenceWebhook(ws.phoneDigits, 'composing'),
			headers: { 'x-webhook-secret': ws.webhookSecret },
		});
		const on = await thread.waitFor((f) => f.event === 'conversation.typing_on');
		expect(on.data).toMatchObject({ conversationId: ws.conversationId, typist: { kind: 'contact' }, activity: 'typing' });
		const off = await thread.waitFor((f) => f.event === 'conversation.typing_off');
		expect(off.data).toMatchObject({ typist: { kind: 'contact' }, automatic: true });
		expect(Date.now() - started).toBeGreaterThanOrEqual(TYPING_TIMEOUT_MS);

		await request(first.url, 'POST', `/webhooks/evolution/${ws.channelId}`, {
			payload: presenceWebhook(ws.phoneDigits, 'composing'),
			headers: { 'x-webhook-secret': ws.webhookSecret },
		});
		await request(first.url, 'POST', `/webhooks/evolution/${ws.channelId}`, {
			payload: presenceWebhook(ws.phoneDigits, 'available'),
			headers: { 'x-webhook-secret': ws.webhookSecret },
		});
		await thread.waitFor((f) => f.event === 'conversation.typing_off' && !f.data.automatic);

		// Recording a voice note is typing too, said as such.
		await request(first.url, 'POST', `/webhooks/evolution/${ws.channelId}`, {
			payload: presenceWebhook(ws.phoneDigits, 'recording'),
			headers: { 'x-webhook-secret': ws.webhookSecret },
		});
		const recording = await thread.waitFor((f) => f.event === 'conversation.typing_on' && f.data.activity === 'recording');
		expect(recording.data).toMatchObject({ typist: { kind: 'contact' } });
	});

	it("relays an attendant's typing to the others, not back to the typist", async () => {
		const typist = track(await subscribedSocket(first.url, agent.authorization, [`whatsapp.conversation.${ws.conversationId}`]));
		const colleague = track(await subscribedSocket(second.url, admin.authorization, [`whatsapp.conversation.${ws.conversationId}`]));
		typist.send({ type: 'typing', conversationId: ws.conversationId, on: true, isPrivate: true });
		const on = await colleague.waitFor((f) => f.event === 'conversation.typing_on');
		expect(on.data).toMatchObject({ typist: { kind: 'user', userId: ws.agent.id }, isPrivate: true });
		await colleague.waitFor((f) => f.event === 'conversation.typing_off' && f.data.automatic === true);
		// The REST route does the same.
		expect((await first.call('POST', `/api/v1/conversations/${ws.conversationId}/typing`, admin.authorization, { on: true })).statusCode).toBe(204);
		await typist.waitFor((f) => f.event === 'conversation.typing_on' && f.data.typist.userId === ws.admin.id);
		expect(typist.events('conversation.typing_on').filter((f) => f.data.typist.userId === ws.agent.id)).toEqual([]);
	});
});
