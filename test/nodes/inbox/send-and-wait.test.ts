import { decryptSecret } from '../../../server/src/channels/secret-cipher';
import { ADAPTERS, eventually } from '../../../server/test/inbox/support/inbox-app';
import { LONG } from '../../../server/test/outbox/support/outbox-harness';
import { inboxNode, NODE_NAME, runInboxNode, startInboxStack, type InboxStack } from './support/inbox-node';

const rl = (value: string) => ({ __rl: true, mode: 'id', value });

/**
 * Send and Wait for Reply run by n8n-core's real WorkflowExecute against the real server and the sandbox: the question
 * goes out with its numbered choices, the server holds a reply wait for the execution's resume URL, and the execution
 * is put to wait. (The resume itself needs n8n's HTTP side: the server part is in server/test/reply-waits.)
 */
describe.each(ADAPTERS)('WhatsApp Inbox node: Send and Wait for Reply (%s)', (_adapter, open) => {
	let stack: InboxStack;
	let channel: { id: string; name: string };
	let conversation: { id: string; from: string; contactId: string };

	beforeAll(async () => {
		stack = await startInboxStack(open);
		channel = await stack.channel();
		conversation = await stack.conversation(channel);
	});
	afterAll(async () => {
		await stack.close();
	});

	it('sends the question with its choices, opens a reply wait on the resume URL and puts the execution to wait', async () => {
		const question = `Confirma a consulta ${Date.now()}?`;
		const result = await runInboxNode(
			{
				resource: 'message',
				operation: 'sendAndWait',
				sendTo: 'conversation',
				conversationId: rl(conversation.id),
				text: question,
				choices: { choice: [{ key: '1', label: 'Sim' }, { key: '2', label: 'Não' }] },
				timeoutMinutes: 30,
				options: { typing: false },
			},
			{ credentials: stack.inbox, items: [{ json: { order: 7 } }] },
		);
		expect(result.error(NODE_NAME)).toBeUndefined();
		expect(result.run.waitTill).toBeInstanceOf(Date);
		expect(result.run.waitTill!.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);

		const text = `${question}\n\n1 - Sim\n2 - Não`;
		await eventually(async () => expect(await stack.sendsOf(text)).toBe(1), LONG);
		const listed = await stack.server.call('GET', `/api/v1/conversations/${conversation.id}/reply-waits`, stack.admin.session);
		const [wait] = listed.json().data;
		expect(wait).toMatchObject({ status: 'open', choices: [{ key: '1', label: 'Sim' }, { key: '2', label: 'Não' }], clientId: expect.stringMatching(/^n8n-send-and-wait-/) });
		const { rows } = await stack.db.query<{ sealed: string; expires: boolean }>(
			`SELECT resume_url_encrypted AS sealed, expires_at BETWEEN now() + interval '29 minutes' AND now() + interval '31 minutes' AS expires FROM reply_waits WHERE id = $1`,
			[wait.id],
		);
		expect(rows[0].expires).toBe(true);
		// The resume URL routes to this node's resume webhook: the waiting base, the execution, the node's id.
		expect(decryptSecret(rows[0].sealed, stack.server.runtime.integrationsKey)).toMatch(/^http:\/\/localhost:5678\/webhook-waiting\/[^/]+\/3(\?.*)?$/);
	});

	it('refuses a choice without a label, and has the resume webhook n8n routes the reply to', async () => {
		const result = await runInboxNode(
			{ resource: 'message', operation: 'sendAndWait', sendTo: 'conversation', conversationId: rl(conversation.id), text: 'Pergunta', choices: { choice: [{ key: '1', label: '' }] }, timeoutMinutes: 5 },
			{ credentials: stack.inbox },
		);
		expect(result.error(NODE_NAME)?.message).toBe('Every choice needs a key and a label');
		const node = await inboxNode();
		expect(node.description.webhooks).toEqual([expect.objectContaining({ httpMethod: 'POST', restartWebhook: true, isFullPath: true, path: '={{ $nodeId }}' })]);
		expect(typeof node.webhook).toBe('function');
	});
});
