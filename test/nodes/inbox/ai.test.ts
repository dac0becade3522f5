import { ADAPTERS } from '../../../server/test/inbox/support/inbox-app';
import { NODE_NAME, runInboxNode, runOk, startInboxStack, type InboxStack } from './support/inbox-node';

const rl = (value: string) => ({ __rl: true, mode: 'id', value });

describe.each(ADAPTERS)('WhatsApp Inbox node: AI resource (%s)', (_adapter, open) => {
	let stack: InboxStack;
	let conversation: ReturnType<typeof rl>;

	const aiLines = async () =>
		(
			await stack.db.query<{ details: { from: string; to: string; reason: string } }>(
				"SELECT details FROM whatsapp_messages WHERE conversation_id = $1 AND details->>'kind' = 'ai_state' ORDER BY created_at, id",
				[stack.workspace.conversationId],
			)
		).rows.map((row) => `${row.details.from}→${row.details.to} (${row.details.reason})`);

	beforeAll(async () => {
		stack = await startInboxStack(open);
		conversation = rl(stack.workspace.conversationId);
	});
	afterAll(async () => {
		await stack.close();
	});

	it('cannot give a conversation back while its channel has no AI agent, and says why', async () => {
		const result = await runInboxNode({ resource: 'ai', operation: 'giveBack', conversationId: conversation }, { credentials: stack.inbox });
		expect(result.error(NODE_NAME)?.message).toBe(
			"This conversation's channel has no AI agent; point one at it first (POST /api/v1/ai/agents with channelIds).",
		);
		expect((result.error(NODE_NAME) as { httpCode?: string }).httpCode).toBe('422');
	});

	it('gives back, pauses, turns off and reads the state, each a system line in the thread', async () => {
		// The agent is never called here: no customer writes while the AI is active.
		const agent = await stack.server.call('POST', '/api/v1/ai/agents', stack.admin.session, {
			name: 'Assistente',
			baseUrl: 'http://127.0.0.1:9/v1',
			model: 'gpt-test',
			channelIds: [stack.workspace.channelId],
		});
		expect(agent.statusCode).toBe(201);

		const [active] = await runOk({ resource: 'ai', operation: 'giveBack', conversationId: conversation }, { credentials: stack.inbox });
		expect(active).toMatchObject({ id: stack.workspace.conversationId, aiState: 'active', aiStateReason: 'given_back' });
		const [state] = await runOk({ resource: 'ai', operation: 'get', conversationId: conversation }, { credentials: stack.inbox });
		expect(state).toMatchObject({ conversationId: stack.workspace.conversationId, state: 'active', reason: 'given_back', agent: { name: 'Assistente', enabled: true }, replies: [] });

		const [paused] = await runOk({ resource: 'ai', operation: 'pause', conversationId: conversation }, { credentials: stack.inbox });
		expect(paused).toMatchObject({ aiState: 'paused', aiStateReason: 'paused_by_attendant' });
		const [off] = await runOk({ resource: 'ai', operation: 'turnOff', conversationId: conversation }, { credentials: stack.inbox });
		expect(off).toMatchObject({ aiState: 'off', aiStateReason: 'turned_off' });
		expect(await aiLines()).toEqual(['off→active (given_back)', 'active→paused (paused_by_attendant)', 'paused→off (turned_off)']);
	});

	it('hands off: the AI paused first, then the conversation assigned to the attendant with the note', async () => {
		await runOk({ resource: 'ai', operation: 'giveBack', conversationId: conversation }, { credentials: stack.inbox });
		const [handed] = await runOk(
			{ resource: 'ai', operation: 'handOff', conversationId: conversation, attendantId: rl(stack.workspace.agent.id), note: 'Wants to negotiate the price' },
			{ credentials: stack.inbox },
		);
		expect(handed).toMatchObject({ id: stack.workspace.conversationId, assigneeId: stack.workspace.agent.id, aiState: 'paused', aiStateReason: 'paused_by_attendant' });
		const { rows } = await stack.db.query<{ details: { note: string | null; toUserId: string } }>(
			"SELECT details FROM whatsapp_messages WHERE conversation_id = $1 AND details->>'kind' = 'assignment' ORDER BY created_at DESC LIMIT 1",
			[stack.workspace.conversationId],
		);
		expect(rows[0].details).toMatchObject({ note: 'Wants to negotiate the price', toUserId: stack.workspace.agent.id });
		expect((await aiLines()).slice(-2)).toEqual(['off→active (given_back)', 'active→paused (paused_by_attendant)']);
		const [state] = await runOk({ resource: 'ai', operation: 'get', conversationId: conversation }, { credentials: stack.inbox });
		expect(state).toMatchObject({ state: 'paused' });

		const nobody = await runInboxNode({ resource: 'ai', operation: 'handOff', conversationId: conversation, attendantId: rl('={{ $json.nobody }}') }, { credentials: stack.inbox });
		expect(nobody.error(NODE_NAME)?.message).toBe('Attendant is empty');
	});

	it('continues on fail per item with pairedItem, and names a missing conversation', async () => {
		const result = await runInboxNode(
			{ resource: 'ai', operation: 'pause', conversationId: '={{ $json.id }}' },
			{ credentials: stack.inbox, continueOnFail: true, items: [{ json: { id: '00000000-0000-4000-8000-000000000000' } }, { json: { id: stack.workspace.conversationId } }] },
		);
		expect(result.json[0]).toMatchObject({ error: 'Not found: Conversation not found in your workspace.', httpCode: '404' });
		expect(result.json[1]).toMatchObject({ id: stack.workspace.conversationId, aiState: 'paused' });
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});
});
