import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { ADAPTERS } from '../../../server/test/inbox/support/inbox-app';
import { inboxLoadOptions, inboxNode, NODE_NAME, runInboxNode, runOk, startInboxStack, testCredential, type InboxStack } from './support/inbox-node';

describe.each(ADAPTERS)('WhatsApp Inbox credential and Lead resource (%s)', (_adapter, open) => {
	let stack: InboxStack;
	let notInbox: Server;
	let notInboxUrl: string;

	beforeAll(async () => {
		stack = await startInboxStack(open);
		notInbox = createServer((_request, response) => {
			response.writeHead(200, { 'content-type': 'text/html' });
			response.end('<html><body>Welcome to nginx!</body></html>');
		});
		await new Promise<void>((resolve) => notInbox.listen(0, '127.0.0.1', resolve));
		notInboxUrl = `http://127.0.0.1:${(notInbox.address() as AddressInfo).port}`;
	});
	afterAll(async () => {
		await new Promise<void>((resolve) => notInbox.close(() => resolve()));
		await stack.close();
	});

	describe('credential test', () => {
		it('declares the credential test on the node and passes with an inbox token', async () => {
			expect((await inboxNode()).description.credentials).toEqual([{ name: 'whatsAppInboxApi', required: true, testedBy: 'whatsAppInboxApiTest' }]);
			const result = await testCredential({ serverUrl: `${stack.server.url}/`, apiToken: stack.inbox.apiToken });
			expect(result.status).toBe('OK');
			expect(result.message).toMatch(/^Connected to workspace Acme [0-9a-f]+; token scope: inbox \(channel operations need the admin scope\)\.$/);
		});

		it('passes with an admin token when admin access is asked', async () => {
			const result = await testCredential({ serverUrl: stack.server.url, apiToken: stack.admin.apiToken, requireAdmin: true });
			expect(result).toEqual({ status: 'OK', message: expect.stringMatching(/token scope: admin\.$/) });
		});

		it('says the server is unreachable', async () => {
			const result = await testCredential({ serverUrl: 'http://127.0.0.1:9', apiToken: stack.inbox.apiToken });
			expect(result.status).toBe('Error');
			expect(result.message).toBe(
				'Cannot reach http://127.0.0.1:9: the connection was refused (nothing listens there) (ECONNREFUSED). Check the Server URL and that the server is running.',
			);
		});

		it('says another service is not this server (a web page, and an Evolution API)', async () => {
			for (const url of [notInboxUrl, stack.sandbox.url]) {
				const result = await testCredential({ serverUrl: url, apiToken: stack.inbox.apiToken });
				expect(result.status).toBe('Error');
				expect(result.message).toContain(`${url} answered (HTTP `);
				expect(result.message).toContain('is not a WhatsApp Inbox server');
			}
		});

		it('says a token that is not an API token, a wrong one and a revoked one are bad', async () => {
			expect((await testCredential({ serverUrl: stack.server.url, apiToken: 'wis_session-token' })).message).toMatch(/^The API Token is not a WhatsApp Inbox API token: those start with "wit_"/);
			const wrong = await testCredential({ serverUrl: stack.server.url, apiToken: 'wit_not-a-real-token' });
			expect(wrong.status).toBe('Error');
			expect(wrong.message).toMatch(/^Bad token: .* \(HTTP 401\): it is wrong, expired or revoked/);

			const made = (await stack.server.call('POST', '/api/v1/api-tokens', stack.admin.session, { name: 'to revoke' })).json();
			expect((await testCredential({ serverUrl: stack.server.url, apiToken: made.token })).status).toBe('OK');
			expect((await stack.server.call('DELETE', `/api/v1/api-tokens/${made.apiToken.id}`, stack.admin.session)).statusCode).toBe(200);
			const revoked = await testCredential({ serverUrl: stack.server.url, apiToken: made.token });
			expect(revoked.message).toMatch(/^Bad token: .*wrong, expired or revoked/);
		});

		it('says the scope is missing when admin access is asked of an inbox token', async () => {
			const result = await testCredential({ serverUrl: stack.server.url, apiToken: stack.inbox.apiToken, requireAdmin: true });
			expect(result.status).toBe('Error');
			expect(result.message).toMatch(/^Missing scope: the token works for Acme [0-9a-f]+ but has only the "inbox" scope/);
		});

		it('rejects a Server URL that is not http(s)', async () => {
			expect((await testCredential({ serverUrl: 'inbox.example.com', apiToken: stack.inbox.apiToken })).message).toBe(
				'The Server URL "inbox.example.com" is not an http(s) address, e.g. https://inbox.example.com',
			);
		});
	});

	describe('Lead', () => {
		it('creates a lead with its attribution, gets, updates and deletes it', async () => {
			const [created] = await runOk(
				{
					resource: 'lead',
					operation: 'create',
					name: 'Joana Lima',
					phone: '+55 (11) 98888-1234',
					additionalFields: {
						email: 'joana@example.com',
						source: 'ctwa_ad',
						firstTouch: 'lp42x9',
						utmSource: 'facebook',
						utmCampaign: 'black-friday',
						score: 10,
						attributes: '{"adId": "120210000", "plan": "pro"}',
					},
				},
				{ credentials: stack.inbox },
			);
			expect(created).toMatchObject({
				name: 'Joana Lima',
				phoneE164: '+5511988881234',
				email: 'joana@example.com',
				source: 'ctwa_ad',
				status: 'new',
				score: 10,
				firstTouchToken: 'lp42x9',
				utmSource: 'facebook',
				utmCampaign: 'black-friday',
				attributes: { adId: '120210000', plan: 'pro' },
			});
			const id = created.id as string;

			expect(await runOk({ resource: 'lead', operation: 'get', leadId: id }, { credentials: stack.inbox })).toEqual([created]);

			const [updated] = await runOk(
				{ resource: 'lead', operation: 'update', leadId: id, updateFields: { status: 'qualified', score: 55, ownerUserId: stack.workspace.agent.id } },
				{ credentials: stack.inbox },
			);
			expect(updated).toMatchObject({ id, status: 'qualified', score: 55, ownerUserId: stack.workspace.agent.id, name: 'Joana Lima' });

			expect(await runOk({ resource: 'lead', operation: 'delete', leadId: id }, { credentials: stack.inbox })).toEqual([{ deleted: true, id }]);
			const gone = await runInboxNode({ resource: 'lead', operation: 'get', leadId: id }, { credentials: stack.inbox });
			expect(gone.error(NODE_NAME)?.message).toBe('Not found: Lead not found in your workspace.');
		});

		it('creates or updates a lead by phone, keeping the first touch, and says which it did', async () => {
			const [created] = await runOk(
				{ resource: 'lead', operation: 'upsert', phone: '+55 21 97000-1111', fields: { name: 'Rafa', source: 'ctwa_ad', firstTouch: 'vm88', utmSource: 'meta' } },
				{ credentials: stack.inbox },
			);
			expect(created).toMatchObject({ created: true, name: 'Rafa', phoneE164: '+5521970001111', source: 'ctwa_ad', firstTouchToken: 'vm88', utmSource: 'meta' });
			const [updated] = await runOk(
				{ resource: 'lead', operation: 'upsert', phone: '5521970001111', fields: { status: 'won', source: 'form', utmSource: 'google', utmCampaign: 'later' } },
				{ credentials: stack.inbox },
			);
			expect(updated).toMatchObject({ created: false, id: created.id, name: 'Rafa', status: 'won', source: 'ctwa_ad', utmSource: 'meta', utmCampaign: 'later' });
			const bad = await runInboxNode({ resource: 'lead', operation: 'upsert', phone: 'not a phone', fields: {} }, { credentials: stack.inbox });
			expect(bad.error(NODE_NAME)?.message).toBe('phone is not a valid phone number; include the country code (e.g. +55 11 98888-7777).');
		});

		it('creates with source n8n by default, one lead per item, each paired with its item', async () => {
			const result = await runInboxNode(
				{ resource: 'lead', operation: 'create', name: '={{ $json.name }}', phone: '={{ $json.phone }}' },
				{ credentials: stack.inbox, items: [{ json: { name: 'Item A', phone: '55 11 97777-0001' } }, { json: { name: 'Item B', phone: '55 11 97777-0002' } }] },
			);
			expect(result.json.map((lead) => [lead.name, lead.phoneE164, lead.source])).toEqual([
				['Item A', '+5511977770001', 'n8n'],
				['Item B', '+5511977770002', 'n8n'],
			]);
			expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		});

		it('gets many with filters, a limit, and Return All across pages', async () => {
			const tag = `pg${Date.now().toString(36)}`;
			await runOk(
				{ resource: 'lead', operation: 'create', name: '={{ $json.name }}', additionalFields: { status: '={{ $json.status }}' } },
				{
					credentials: stack.inbox,
					items: Array.from({ length: 105 }, (_, i) => ({ json: { name: `${tag} ${i}`, status: i % 5 === 0 ? 'won' : 'new' } })),
				},
			);
			const all = await runOk({ resource: 'lead', operation: 'getAll', returnAll: true, filters: { q: tag } }, { credentials: stack.inbox });
			expect(all).toHaveLength(105);
			expect(new Set(all.map((lead) => lead.id)).size).toBe(105);
			const limited = await runOk({ resource: 'lead', operation: 'getAll', returnAll: false, limit: 7, filters: { q: tag } }, { credentials: stack.inbox });
			expect(limited).toHaveLength(7);
			const won = await runOk({ resource: 'lead', operation: 'getAll', returnAll: true, filters: { q: tag, status: 'won' } }, { credentials: stack.inbox });
			expect(won).toHaveLength(21);
			expect(won.every((lead) => lead.status === 'won')).toBe(true);
			const none = await runOk({ resource: 'lead', operation: 'getAll', returnAll: true, filters: { q: `${tag}-nobody` } }, { credentials: stack.inbox });
			expect(none).toEqual([]);
		});

		it('explains the server\'s refusals, and with continue on fail keeps going item by item', async () => {
			const bad = await runInboxNode({ resource: 'lead', operation: 'update', leadId: 'not-a-uuid', updateFields: { score: 1 } }, { credentials: stack.inbox });
			expect(bad.error(NODE_NAME)?.message).toMatch(/^params\.leadId: /);
			const nothing = await runInboxNode({ resource: 'lead', operation: 'update', leadId: stack.workspace.leadId, updateFields: {} }, { credentials: stack.inbox });
			expect(nothing.error(NODE_NAME)?.message).toBe('Nothing to update');
			const badJson = await runInboxNode({ resource: 'lead', operation: 'create', name: 'X', additionalFields: { attributes: '{oops' } }, { credentials: stack.inbox });
			expect(badJson.error(NODE_NAME)?.message).toBe('Attributes is not valid JSON');

			const mixed = await runInboxNode(
				{ resource: 'lead', operation: 'get', leadId: '={{ $json.id }}' },
				{ credentials: stack.inbox, continueOnFail: true, items: [{ json: { id: stack.workspace.leadId } }, { json: { id: '00000000-0000-4000-8000-000000000000' } }, { json: { id: '' } }] },
			);
			expect(mixed.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			expect(mixed.json[0]).toMatchObject({ id: stack.workspace.leadId, name: 'Maria Souza' });
			expect(mixed.json[1]).toMatchObject({ error: 'Not found: Lead not found in your workspace.', httpCode: '404' });
			expect(mixed.json[2]).toMatchObject({ error: 'Lead ID is empty' });
		});

		it('says the token is bad, and the server unreachable, from an operation', async () => {
			const bad = await runInboxNode({ resource: 'lead', operation: 'get', leadId: stack.workspace.leadId }, { credentials: { ...stack.inbox, apiToken: 'wit_wrong' } });
			expect(bad.error(NODE_NAME)?.message).toBe('Bad token: the WhatsApp Inbox server does not accept the API token (wrong, expired or revoked)');
			const away = await runInboxNode({ resource: 'lead', operation: 'get', leadId: stack.workspace.leadId }, { credentials: { serverUrl: 'http://127.0.0.1:9', apiToken: 'wit_x' } });
			expect(away.error(NODE_NAME)?.message).toBe('Cannot reach the WhatsApp Inbox server at http://127.0.0.1:9');
		});
	});

	describe('pickers', () => {
		it('lists attendants, channels and conversations for the editor', async () => {
			const node = await inboxNode();
			const context = await inboxLoadOptions(stack.inbox);
			const attendants = await node.methods!.listSearch!.searchAttendants.call(context);
			expect(attendants.results.map((entry) => entry.value).sort()).toEqual([stack.workspace.admin.id, stack.workspace.agent.id].sort());
			const found = await node.methods!.listSearch!.searchAttendants.call(context, 'agent-');
			expect(found.results.map((entry) => entry.value)).toEqual([stack.workspace.agent.id]);
			const options = await node.methods!.loadOptions!.getAttendants.call(context);
			expect(options).toHaveLength(2);

			const channels = await node.methods!.listSearch!.searchChannels.call(context);
			expect(channels.results).toEqual([{ name: expect.stringMatching(/^Vendas · /), value: stack.workspace.channelId }]);

			const conversations = await node.methods!.listSearch!.searchConversations.call(context);
			expect(conversations.results).toContainEqual({ name: expect.stringMatching(/^Maria Souza \(\+55\d+\) · pending$/), value: stack.workspace.conversationId });
			const searched = await node.methods!.listSearch!.searchConversations.call(context, 'nobody-like-this');
			expect(searched.results).toEqual([]);
		});
	});
});
