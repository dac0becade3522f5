import { ADAPTERS } from '../../../server/test/inbox/support/inbox-app';
import { NODE_NAME, runInboxNode, runOk, startInboxStack, type InboxStack } from './support/inbox-node';

const rl = (value: string) => ({ __rl: true, mode: 'id', value });

describe.each(ADAPTERS)('WhatsApp Inbox node: Conversation resource (%s)', (_adapter, open) => {
	let stack: InboxStack;

	beforeAll(async () => {
		// A conversation with 130 messages, so Return All follows the thread's pages.
		stack = await startInboxStack(open, {}, { messages: 130 });
	});
	afterAll(async () => {
		await stack.close();
	});

	it('gets one conversation and many with filters and Return All', async () => {
		const [conversation] = await runOk({ resource: 'conversation', operation: 'get', conversationId: rl(stack.workspace.conversationId) }, { credentials: stack.inbox });
		expect(conversation).toMatchObject({ id: stack.workspace.conversationId, status: 'pending', contact: { id: stack.workspace.contactId, name: 'Maria Souza' } });

		const all = await runOk({ resource: 'conversation', operation: 'getAll', returnAll: true, filters: { status: 'all' } }, { credentials: stack.inbox });
		expect(all.map((c) => c.id)).toContain(stack.workspace.conversationId);
		const searched = await runOk({ resource: 'conversation', operation: 'getAll', returnAll: false, limit: 5, filters: { q: 'Maria', channelId: stack.workspace.channelId, unread: true, assignee: 'unassigned' } }, { credentials: stack.inbox });
		expect(searched.map((c) => c.id)).toEqual([stack.workspace.conversationId]);
		const none = await runOk({ resource: 'conversation', operation: 'getAll', returnAll: true, filters: { status: 'resolved' } }, { credentials: stack.inbox });
		expect(none).toEqual([]);
	});

	it('assigns, transfers with a note and unassigns', async () => {
		const id = rl(stack.workspace.conversationId);
		const [assigned] = await runOk({ resource: 'conversation', operation: 'assign', conversationId: id, attendantId: rl(stack.workspace.agent.id) }, { credentials: stack.inbox });
		expect(assigned).toMatchObject({ id: stack.workspace.conversationId, assigneeId: stack.workspace.agent.id });
		const [transferred] = await runOk(
			{ resource: 'conversation', operation: 'assign', conversationId: id, attendantId: rl(stack.workspace.admin.id), note: 'Asked for the manager' },
			{ credentials: stack.inbox },
		);
		expect(transferred).toMatchObject({ assigneeId: stack.workspace.admin.id });
		const { rows } = await stack.db.query<{ details: { note: string | null; toUserId: string } }>(
			"SELECT details FROM whatsapp_messages WHERE conversation_id = $1 AND details->>'kind' = 'assignment' ORDER BY created_at DESC LIMIT 1",
			[stack.workspace.conversationId],
		);
		expect(rows[0].details).toMatchObject({ note: 'Asked for the manager', toUserId: stack.workspace.admin.id });
		const [unassigned] = await runOk({ resource: 'conversation', operation: 'assign', conversationId: id, unassign: true }, { credentials: stack.inbox });
		expect(unassigned).toMatchObject({ assigneeId: null });
		const nobody = await runInboxNode({ resource: 'conversation', operation: 'assign', conversationId: id, attendantId: rl('={{ $json.nobody }}') }, { credentials: stack.inbox });
		expect(nobody.error(NODE_NAME)?.message).toBe('Attendant is empty');
	});

	it('sets the status, snoozes until a date, adds a private note and marks read', async () => {
		const id = rl(stack.workspace.conversationId);
		const [resolved] = await runOk({ resource: 'conversation', operation: 'setStatus', conversationId: id, status: 'resolved' }, { credentials: stack.inbox });
		expect(resolved).toMatchObject({ status: 'resolved' });
		const until = new Date(Date.now() + 86_400_000).toISOString();
		const [snoozed] = await runOk({ resource: 'conversation', operation: 'setStatus', conversationId: id, status: 'snoozed', snoozedUntil: until }, { credentials: stack.inbox });
		expect(snoozed).toMatchObject({ status: 'snoozed', snoozedUntil: until });
		const badDate = await runInboxNode({ resource: 'conversation', operation: 'setStatus', conversationId: id, status: 'snoozed', snoozedUntil: 'tomorrow-ish' }, { credentials: stack.inbox });
		expect(badDate.error(NODE_NAME)?.message).toBe('Snooze Until "tomorrow-ish" is not a date');
		await runOk({ resource: 'conversation', operation: 'setStatus', conversationId: id, status: 'open' }, { credentials: stack.inbox });

		const [note] = await runOk({ resource: 'conversation', operation: 'addNote', conversationId: id, note: 'Paid by PIX' }, { credentials: stack.inbox });
		expect(note).toMatchObject({ conversationId: stack.workspace.conversationId, direction: 'internal', type: 'note', body: 'Paid by PIX' });
		expect(stack.sandbox).toBeDefined();
		expect(await stack.sendsOf('Paid by PIX')).toBe(0);

		const [read] = await runOk({ resource: 'conversation', operation: 'markRead', conversationId: id }, { credentials: stack.inbox });
		expect(read).toMatchObject({ conversationId: stack.workspace.conversationId, unreadCount: 0 });
	});

	it('gets the latest messages newest first, and the whole thread with Return All', async () => {
		const id = rl(stack.workspace.conversationId);
		const latest = await runOk({ resource: 'conversation', operation: 'getMessages', conversationId: id, returnAll: false, limit: 3 }, { credentials: stack.inbox });
		expect(latest).toHaveLength(3);
		const all = await runOk({ resource: 'conversation', operation: 'getMessages', conversationId: id, returnAll: true }, { credentials: stack.inbox });
		const seeded = all.filter((m) => m.direction === 'inbound');
		expect(seeded).toHaveLength(130);
		expect(new Set(all.map((m) => m.id)).size).toBe(all.length);
		// Newest first: the seeded messages are 1 minute apart, message 0 the oldest.
		expect(seeded[0].body).toBe('message 129');
		expect(seeded[129].body).toBe('message 0');
		expect(latest.map((m) => m.id)).toEqual(all.slice(0, 3).map((m) => m.id));
	});

	it('continues on fail per item with pairedItem, and names a missing conversation', async () => {
		const result = await runInboxNode(
			{ resource: 'conversation', operation: 'get', conversationId: '={{ $json.id }}' },
			{ credentials: stack.inbox, continueOnFail: true, items: [{ json: { id: '00000000-0000-4000-8000-000000000000' } }, { json: { id: stack.workspace.conversationId } }] },
		);
		expect(result.json[0]).toMatchObject({ error: 'Not found: Conversation not found in your workspace.', httpCode: '404' });
		expect(result.json[1]).toMatchObject({ id: stack.workspace.conversationId });
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});
});
