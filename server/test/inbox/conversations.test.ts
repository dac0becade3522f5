import nock from 'nock';
import type { Db } from '../../src/db/db';
import { ADAPTERS, type InboxApp, openMigratedDb, seedWorkspace, type SeededWorkspace, signIn, startInboxApp } from './support/inbox-app';

/** More conversations in the seeded workspace: `count` of them, one minute apart, with the given owner and status. */
async function addConversations(db: Db, ws: SeededWorkspace, count: number, fields: { assignee?: string | null; status?: string; name?: string }) {
	const ids: string[] = [];
	for (let i = 0; i < count; i++) {
		const phone = `+55219${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
		const contact = await db.query<{ id: string }>('INSERT INTO contacts (workspace_id, phone_e164, wa_jid, name) VALUES ($1, $2, $3, $4) RETURNING id', [
			ws.workspaceId,
			phone,
			`${phone.slice(1)}@s.whatsapp.net`,
			fields.name ?? `Contact ${i}`,
		]);
		const { rows } = await db.query<{ id: string }>(
			`INSERT INTO whatsapp_conversations (workspace_id, channel_id, contact_id, chat_jid, status, assigned_user_id, last_message_at, last_message_preview)
			 VALUES ($1, $2, $3, $4, $5, $6, now() - ($7::int * interval '1 minute') - interval '1 hour', 'hello') RETURNING id`,
			[ws.workspaceId, ws.channelId, contact.rows[0].id, `${phone.slice(1)}@s.whatsapp.net`, fields.status ?? 'open', fields.assignee ?? null, i],
		);
		ids.push(rows[0].id);
	}
	return ids;
}

// nock replaces the process's http client as soon as it is imported, and the test files that Jest runs one after another
// in a worker share that module: left on, every later file's HTTP went through its interceptor, whose passthrough
// sockets surfaced there as bare `connect ECANCELED` failures. This file puts it back when it is done.
afterAll(() => nock.restore());

describe.each(ADAPTERS)('conversations API on %s', (_driver, open) => {
	let db: Db;
	let server: InboxApp;
	let ws: SeededWorkspace;
	let agent: { authorization: string };
	let admin: { authorization: string };
	let mineOpen: string[];
	let unassignedOpen: string[];

	beforeAll(async () => {
		db = await openMigratedDb(open);
		server = await startInboxApp(db);
		ws = await seedWorkspace(db, server.runtime.integrationsKey, { messages: 7 });
		mineOpen = await addConversations(db, ws, 3, { assignee: ws.agent.id, status: 'open' });
		unassignedOpen = await addConversations(db, ws, 4, { assignee: null, status: 'open', name: 'Zélia Unassigned' });
		await addConversations(db, ws, 2, { assignee: ws.admin.id, status: 'open' });
		await addConversations(db, ws, 2, { assignee: ws.agent.id, status: 'resolved' });
		agent = await signIn(server, ws.agent.email);
		admin = await signIn(server, ws.admin.email);
	});
	afterAll(async () => {
		await server.close();
		await db.close();
	});

	it('lists each tab with the tab counts on every page', async () => {
		const mine = await server.call('GET', '/api/v1/conversations?assignee=mine&status=open', agent.authorization);
		expect(mine.statusCode).toBe(200);
		expect(mine.json().data.map((c: { id: string }) => c.id)).toEqual(mineOpen);
		expect(mine.json().meta.counts).toEqual({ mine: 3, unassigned: 4, all: 9 });

		const unassigned = await server.call('GET', '/api/v1/conversations?assignee=unassigned&status=open', agent.authorization);
		expect(unassigned.json().data.map((c: { id: string }) => c.id)).toEqual(unassignedOpen);
		expect(unassigned.json().meta.counts).toEqual({ mine: 3, unassigned: 4, all: 9 });

		const everything = await server.call('GET', '/api/v1/conversations?assignee=all&status=all', agent.authorization);
		expect(everything.json().meta.counts).toEqual({ mine: 5, unassigned: 5, all: 12 });
		// Newest activity first: the seeded conversation had a message just now.
		expect(everything.json().data[0]).toMatchObject({ id: ws.conversationId, status: 'pending', unreadCount: 2, contact: { name: 'Maria Souza' } });
	});

	it('shows by default what waits for an answer: the pending newcomer and the open ones, not the resolved', async () => {
		const byDefault = await server.call('GET', '/api/v1/conversations', agent.authorization);
		const ids = byDefault.json().data.map((c: { id: string }) => c.id);
		// The seeded conversation is a customer's first contact: pending, unassigned.
		expect(ids[0]).toBe(ws.conversationId);
		expect(ids).toHaveLength(10);
		expect(byDefault.json().meta.counts).toEqual({ mine: 3, unassigned: 5, all: 10 });
		const active = await server.call('GET', '/api/v1/conversations?status=active&assignee=unassigned', agent.authorization);
		expect(active.json().data.map((c: { id: string }) => c.id).sort()).toEqual([ws.conversationId, ...unassignedOpen].sort());
		const pendingOnly = await server.call('GET', '/api/v1/conversations?status=pending', agent.authorization);
		expect(pendingOnly.json().data.map((c: { id: string }) => c.id)).toEqual([ws.conversationId]);
	});

	it('pages with a cursor without skipping or repeating, and rejects a forged cursor', async () => {
		const seen: string[] = [];
		let cursor: string | null = null;
		do {
			const page: { json(): { data: Array<{ id: string }>; meta: { nextCursor: string | null; counts: unknown } } } = await server.call(
				'GET',
				`/api/v1/conversations?status=all&limit=5${cursor ? `&cursor=${cursor}` : ''}`,
				agent.authorization,
			);
			seen.push(...page.json().data.map((c) => c.id));
			expect(page.json().meta.counts).toEqual({ mine: 5, unassigned: 5, all: 12 });
			cursor = page.json().meta.nextCursor;
		} while (cursor);
		expect(seen).toHaveLength(12);
		expect(new Set(seen).size).toBe(12);
		const forged = await server.call('GET', '/api/v1/conversations?cursor=bm90LWEtY3Vyc29y', agent.authorization);
		expect(forged.statusCode).toBe(400);
		expect(forged.json().error.code).toBe('invalid_cursor');
	});

	it('filters by channel and searches names and phones', async () => {
		const byName = await server.call('GET', '/api/v1/conversations?status=all&q=z%C3%A9lia', agent.authorization);
		expect(byName.json().data.map((c: { id: string }) => c.id).sort()).toEqual([...unassignedOpen].sort());
		expect(byName.json().meta.counts).toEqual({ mine: 0, unassigned: 4, all: 4 });
		const byChannel = await server.call('GET', `/api/v1/conversations?status=all&channelId=${ws.channelId}`, agent.authorization);
		expect(byChannel.json().meta.counts.all).toBe(12);
		const noSuchChannel = await server.call('GET', `/api/v1/conversations?channelId=00000000-0000-4000-8000-000000000000`, agent.authorization);
		expect(noSuchChannel.statusCode).toBe(404);
		const literalPercent = await server.call('GET', '/api/v1/conversations?status=all&q=%25', agent.authorization);
		expect(literalPercent.json().data).toEqual([]);
	});

	it('returns a conversation and its thread newest last, paging backwards', async () => {
		const one = await server.call('GET', `/api/v1/conversations/${ws.conversationId}`, agent.authorization);
		expect(one.json()).toMatchObject({ id: ws.conversationId, channelId: ws.channelId, leadId: ws.leadId });
		const newest = await server.call('GET', `/api/v1/conversations/${ws.conversationId}/messages?limit=4`, agent.authorization);
		const firstPage = newest.json();
		expect(firstPage.data.map((m: { body: string }) => m.body)).toEqual(['message 3', 'message 4', 'message 5', 'message 6']);
		const older = await server.call('GET', `/api/v1/conversations/${ws.conversationId}/messages?limit=4&before=${firstPage.meta.nextCursor}`, agent.authorization);
		expect(older.json().data.map((m: { body: string }) => m.body)).toEqual(['message 0', 'message 1', 'message 2']);
		expect(older.json().meta.nextCursor).toBeNull();
		expect(firstPage.data[0]).toMatchObject({ direction: 'inbound', type: 'text', status: 'delivered', reactions: [] });
	});

	it('assigns, transfers and unassigns, writing a system line each time and ringing the new assignee', async () => {
		const assign = await server.call('POST', `/api/v1/conversations/${ws.conversationId}/assignment`, admin.authorization, { assigneeId: ws.agent.id });
		expect(assign.statusCode).toBe(200);
		// A pending conversation opens once someone owns it.
		expect(assign.json()).toMatchObject({ assigneeId: ws.agent.id, status: 'open' });
		const transfer = await server.call('POST', `/api/v1/conversations/${ws.conversationId}/assignment`, agent.authorization, {
			assigneeId: ws.admin.id,
			note: 'cliente quer desconto',
		});
		expect(transfer.json().assigneeId).toBe(ws.admin.id);
		await server.call('POST', `/api/v1/conversations/${ws.conversationId}/assignment`, admin.authorization, { assigneeId: null });
		// Repeating the same assignment changes nothing.
		await server.call('POST', `/api/v1/conversations/${ws.conversationId}/assignment`, admin.authorization, { assigneeId: null });

		const { rows } = await db.query<{ body: string; type: string; direction: string }>(
			`SELECT body, type, direction FROM whatsapp_messages WHERE conversation_id = $1 AND type = 'system' ORDER BY created_at, id`,
			[ws.conversationId],
		);
		expect(rows.map((r) => r.body)).toEqual([
			expect.stringMatching(/^Ana \w+ assigned the conversation to Bruno \w+$/),
			expect.stringMatching(/^Bruno \w+ transferred the conversation from Bruno \w+ to Ana \w+: cliente quer desconto$/),
			expect.stringMatching(/^Ana \w+ unassigned the conversation from Ana \w+$/),
		]);
		expect(rows.every((r) => r.direction === 'internal')).toBe(true);

		const bell = await server.call('GET', '/api/v1/notifications', agent.authorization);
		expect(bell.json().meta.unreadCount).toBe(1);
		expect(bell.json().data[0]).toMatchObject({ kind: 'conversation_assigned', conversationId: ws.conversationId });

		const unknownAssignee = await server.call('POST', `/api/v1/conversations/${ws.conversationId}/assignment`, admin.authorization, {
			assigneeId: '00000000-0000-4000-8000-000000000000',
		});
		expect(unknownAssignee.statusCode).toBe(404);
	});

	it('changes the status, requiring a future date to snooze', async () => {
		const resolved = await server.call('POST', `/api/v1/conversations/${ws.conversationId}/status`, agent.authorization, { status: 'resolved' });
		expect(resolved.json()).toMatchObject({ status: 'resolved', resolvedAt: expect.any(String) });
		expect((await server.call('POST', `/api/v1/conversations/${ws.conversationId}/status`, agent.authorization, { status: 'snoozed' })).statusCode).toBe(400);
		const until = new Date(Date.now() + 3_600_000).toISOString();
		const snoozed = await server.call('POST', `/api/v1/conversations/${ws.conversationId}/status`, agent.authorization, { status: 'snoozed', snoozedUntil: until });
		expect(snoozed.json()).toMatchObject({ status: 'snoozed', resolvedAt: null });
		expect(new Date(snoozed.json().snoozedUntil).toISOString()).toBe(until);
		const reopened = await server.call('POST', `/api/v1/conversations/${ws.conversationId}/status`, agent.authorization, { status: 'open' });
		expect(reopened.json()).toMatchObject({ status: 'open', snoozedUntil: null });
		expect((await server.call('POST', `/api/v1/conversations/${ws.conversationId}/status`, agent.authorization, { status: 'closed' })).statusCode).toBe(400);
	});

	it('stores private notes in the thread as internal, never queued for sending', async () => {
		const note = await server.call('POST', `/api/v1/conversations/${ws.conversationId}/notes`, agent.authorization, { body: 'VIP: ligar amanhã' });
		expect(note.statusCode).toBe(201);
		expect(note.json()).toMatchObject({ type: 'note', direction: 'internal', body: 'VIP: ligar amanhã', sentByUserId: ws.agent.id, waMessageId: null });
		const { rows } = await db.query<{ status: string }>('SELECT status FROM whatsapp_messages WHERE id = $1', [note.json().id]);
		expect(rows[0].status).not.toBe('queued');
		const thread = await server.call('GET', `/api/v1/conversations/${ws.conversationId}/messages?limit=1`, agent.authorization);
		expect(thread.json().data[0].id).toBe(note.json().id);
		expect((await server.call('POST', `/api/v1/conversations/${ws.conversationId}/notes`, agent.authorization, { body: '   ' })).statusCode).toBe(400);
	});

	it('caps the tab counts at meta.countCap so a huge inbox still answers fast', async () => {
		await db.query(
			`INSERT INTO contacts (workspace_id, phone_e164, name) SELECT $1, '+5531' || (900000000 + g), 'Bulk ' || g FROM generate_series(1, 1005) g`,
			[ws.workspaceId],
		);
		await db.query(
			`INSERT INTO whatsapp_conversations (workspace_id, channel_id, contact_id, chat_jid, status, last_message_at)
			 SELECT $1, $2, id, phone_e164 || '@s.whatsapp.net', 'snoozed', now() - interval '2 days' FROM contacts WHERE workspace_id = $1 AND name LIKE 'Bulk %'`,
			[ws.workspaceId, ws.channelId],
		);
		const page = await server.call('GET', '/api/v1/conversations?status=snoozed&assignee=unassigned&limit=2', agent.authorization);
		expect(page.json().meta).toMatchObject({ countCap: 1000, counts: { mine: 0, unassigned: 1000, all: 1000 } });
		expect(page.json().data).toHaveLength(2);
		await db.query(`DELETE FROM whatsapp_conversations WHERE workspace_id = $1 AND status = 'snoozed'`, [ws.workspaceId]);
	});

	it('marks read for attendants without touching WhatsApp, and sends read receipts only when asked', async () => {
		nock.disableNetConnect();
		nock.enableNetConnect('127.0.0.1');
		try {
			const read = await server.call('POST', `/api/v1/conversations/${ws.conversationId}/read`, agent.authorization);
			expect(read.statusCode).toBe(200);
			expect(read.json()).toMatchObject({ unreadCount: 0, agentLastSeenAt: expect.any(String) });
			const { rows } = await db.query<{ unread_count: number }>('SELECT unread_count FROM whatsapp_conversations WHERE id = $1', [ws.conversationId]);
			expect(rows[0].unread_count).toBe(0);
			expect(nock.pendingMocks()).toEqual([]);

			const { rows: channel } = await db.query<{ instance_name: string }>('SELECT instance_name FROM whatsapp_channels WHERE id = $1', [ws.channelId]);
			let sent: { readMessages: Array<{ id: string; fromMe: boolean }> } | undefined;
			const evolution = nock('http://evolution.test', { reqheaders: { apikey: `instance-key-${channel[0].instance_name.slice(5)}` } })
				.post(`/chat/markMessageAsRead/${channel[0].instance_name}`, (body) => {
					sent = body;
					return true;
				})
				.reply(201, { message: 'Read messages', read: 'success' });
			const receipt = await server.call('POST', `/api/v1/conversations/${ws.conversationId}/read-receipt`, agent.authorization);
			expect(receipt.statusCode).toBe(200);
			expect(receipt.json()).toEqual({ sent: 7 });
			expect(evolution.isDone()).toBe(true);
			expect(sent?.readMessages).toHaveLength(7);
			expect(sent?.readMessages.every((k) => k.fromMe === false && k.id.startsWith('WA'))).toBe(true);

			nock('http://evolution.test').post(/markMessageAsRead/).reply(500, { status: 500, error: 'Internal', response: { message: 'boom' } });
			const failed = await server.call('POST', `/api/v1/conversations/${ws.conversationId}/read-receipt`, agent.authorization);
			expect(failed.statusCode).toBe(502);
			expect(failed.json().error.code).toBe('upstream_error');
		} finally {
			nock.cleanAll();
			nock.enableNetConnect();
		}
	});
});
