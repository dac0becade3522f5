import { ADAPTERS } from '../../../server/test/inbox/support/inbox-app';
import { NODE_NAME, runInboxNode, runOk, startInboxStack, type InboxStack } from './support/inbox-node';

describe.each(ADAPTERS)('WhatsApp Inbox node: Contact resource (%s)', (_adapter, open) => {
	let stack: InboxStack;

	beforeAll(async () => {
		stack = await startInboxStack(open);
	});
	afterAll(async () => {
		await stack.close();
	});

	it('gets a contact, finds it by phone, and updates it', async () => {
		const [contact] = await runOk({ resource: 'contact', operation: 'get', contactId: stack.workspace.contactId }, { credentials: stack.inbox });
		expect(contact).toMatchObject({ id: stack.workspace.contactId, name: 'Maria Souza', phoneE164: `+${stack.workspace.phoneDigits}`, leadId: stack.workspace.leadId });

		const found = await runOk(
			{ resource: 'contact', operation: 'findByPhone', phone: '={{ $json.phone }}' },
			{ credentials: stack.inbox, items: [{ json: { phone: `+${stack.workspace.phoneDigits}` } }, { json: { phone: '+55 11 91234-0000' } }] },
		);
		// The second phone has no contact: by default that item outputs nothing.
		expect(found).toEqual([{ ...contact, found: true }]);
		const branch = await runInboxNode(
			{ resource: 'contact', operation: 'findByPhone', phone: '+55 11 91234-0000', whenNotFound: 'notFound' },
			{ credentials: stack.inbox },
		);
		expect(branch.json).toEqual([{ found: false, phone: '+55 11 91234-0000' }]);
		expect(branch.items[0].pairedItem).toEqual({ item: 0 });

		const [updated] = await runOk(
			{ resource: 'contact', operation: 'update', contactId: stack.workspace.contactId, updateFields: { name: 'Maria S.', email: 'maria@example.com', tags: 'vip, sp ,', attributes: '{"plan":"gold"}' } },
			{ credentials: stack.inbox },
		);
		expect(updated).toMatchObject({ name: 'Maria S.', email: 'maria@example.com', tags: ['vip', 'sp'], attributes: { plan: 'gold' } });
		const nothing = await runInboxNode({ resource: 'contact', operation: 'update', contactId: stack.workspace.contactId, updateFields: {} }, { credentials: stack.inbox });
		expect(nothing.error(NODE_NAME)?.message).toBe('Nothing to update');
	});

	it('opts a contact out (then proactive sends are refused) and back in', async () => {
		const [out] = await runOk({ resource: 'contact', operation: 'optOut', contactId: stack.workspace.contactId, reason: 'asked on the phone' }, { credentials: stack.inbox });
		expect(out).toMatchObject({ optedOutWord: 'asked on the phone', optedOutAt: expect.any(String) });
		const refused = await stack.server.call('POST', '/api/v1/messages', `Bearer ${stack.inbox.apiToken}`, { channelId: stack.workspace.channelId, to: `+${stack.workspace.phoneDigits}`, text: 'Promo' });
		expect(refused.statusCode).toBeGreaterThanOrEqual(400);
		expect(refused.statusCode).toBeLessThan(500);

		const [back] = await runOk({ resource: 'contact', operation: 'optIn', contactId: stack.workspace.contactId }, { credentials: stack.inbox });
		expect(back).toMatchObject({ optedOutAt: null, optedOutWord: null });
	});

	it('names the item of a failure, and continues on fail with pairedItem', async () => {
		const result = await runInboxNode(
			{ resource: 'contact', operation: 'get', contactId: '={{ $json.id }}' },
			{ credentials: stack.inbox, continueOnFail: true, items: [{ json: { id: '00000000-0000-4000-8000-000000000000' } }, { json: { id: stack.workspace.contactId } }] },
		);
		expect(result.json[0]).toMatchObject({ error: 'Not found: Contact not found in your workspace.', httpCode: '404' });
		expect(result.json[1]).toMatchObject({ id: stack.workspace.contactId });
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);

		const stopped = await runInboxNode(
			{ resource: 'contact', operation: 'findByPhone', phone: '={{ $json.phone }}' },
			{ credentials: stack.inbox, items: [{ json: { phone: `+${stack.workspace.phoneDigits}` } }, { json: { phone: '123' } }] },
		);
		const error = stopped.error(NODE_NAME) as { message: string; context?: { itemIndex?: number } };
		expect(error.message).toBe('query.phone: Too small: expected string to have >=5 characters');
		expect(error.context?.itemIndex).toBe(1);
	});
});
