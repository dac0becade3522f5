import { randomBytes } from 'node:crypto';

import { ADAPTERS, eventually } from '../../../server/test/inbox/support/inbox-app';
import { binaryBuffer } from '../../support/n8n-harness';
import { NODE_NAME, runInboxNode, runOk, startInboxStack, type InboxStack } from './support/inbox-node';

const rl = (value: string) => ({ __rl: true, mode: 'id', value });
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe.each(ADAPTERS)('WhatsApp Inbox node: Channel resource (%s)', (_adapter, open) => {
	let stack: InboxStack;

	beforeAll(async () => {
		stack = await startInboxStack(open);
	});
	afterAll(async () => {
		await stack.close();
	});

	it('says the scope is missing when an inbox token manages channels', async () => {
		const result = await runInboxNode({ resource: 'channel', operation: 'create', name: 'Vendas', instanceName: 'no-scope' }, { credentials: stack.inbox });
		expect(result.error(NODE_NAME)?.message).toBe('Missing scope: Your role may not do this; ask a workspace admin.');
	});

	it('creates a channel with its QR as a PNG, follows its state to connected, syncs its history, reconnects and logs out', async () => {
		const instanceName = `n8n-${randomBytes(3).toString('hex')}`;
		const created = await runInboxNode({ resource: 'channel', operation: 'create', name: 'Suporte', instanceName }, { credentials: stack.admin });
		expect(created.error(NODE_NAME)).toBeUndefined();
		const [item] = created.items;
		expect(item.json).toMatchObject({ name: 'Suporte', instanceName, qr: true });
		expect(item.json).not.toHaveProperty('webhookSecret');
		expect(item.binary?.qr).toMatchObject({ mimeType: 'image/png', fileName: expect.stringMatching(/\.png$/) });
		expect((await binaryBuffer(item, 'qr')).subarray(0, 8)).toEqual(PNG_SIGNATURE);
		const channelId = String(item.json.id);

		const qr = await runInboxNode({ resource: 'channel', operation: 'getQr', channelId: rl(channelId) }, { credentials: stack.admin });
		expect(qr.items[0].json).toMatchObject({ channelId, qr: true, code: expect.any(String) });
		expect(qr.items[0].json).not.toHaveProperty('image');
		expect((await binaryBuffer(qr.items[0], 'qr')).subarray(0, 8)).toEqual(PNG_SIGNATURE);

		const listed = await runOk({ resource: 'channel', operation: 'getAll' }, { credentials: stack.inbox });
		expect(listed.map((c) => c.id)).toContain(channelId);

		await stack.sandbox.post(`/_sandbox/instances/${instanceName}/scan`, { number: '5511999990002', profileName: 'ACME Suporte' });
		const connected = await eventually(async () => {
			const [state] = await runOk({ resource: 'channel', operation: 'get', channelId: rl(channelId) }, { credentials: stack.inbox });
			expect(state.status).toBe('connected');
			return state;
		}, 60_000);
		expect(connected).toMatchObject({ id: channelId, phoneE164: '+5511999990002' });
		// Connected: no QR any more, said as qr false rather than an error.
		const noQr = await runOk({ resource: 'channel', operation: 'getQr', channelId: rl(channelId) }, { credentials: stack.admin });
		expect(noQr[0]).toMatchObject({ qr: false });

		const [run] = await runOk({ resource: 'channel', operation: 'startSync', channelId: rl(channelId), days: 7, waitUntilFinished: true, waitTimeout: 120 }, { credentials: stack.admin });
		expect(run).toMatchObject({ channelId, days: 7, waitTimedOut: false });
		expect(['queued', 'running']).not.toContain(run.status);
		const [again] = await runOk({ resource: 'channel', operation: 'getSync', channelId: rl(channelId), runId: String(run.id) }, { credentials: stack.inbox });
		expect(again).toMatchObject({ id: run.id, status: run.status });
		const runs = await runOk({ resource: 'channel', operation: 'getSync', channelId: rl(channelId), runId: '' }, { credentials: stack.inbox });
		expect(runs.map((r) => r.id)).toContain(run.id);

		const [reconnected] = await runOk({ resource: 'channel', operation: 'reconnect', channelId: rl(channelId) }, { credentials: stack.admin });
		expect(reconnected).toEqual(expect.any(Object));
		const [loggedOut] = await runOk({ resource: 'channel', operation: 'logout', channelId: rl(channelId) }, { credentials: stack.admin });
		expect(loggedOut).toEqual(expect.any(Object));
		await eventually(async () => {
			const [state] = await runOk({ resource: 'channel', operation: 'get', channelId: rl(channelId) }, { credentials: stack.inbox });
			expect(state.status).not.toBe('connected');
		}, 60_000);
	});

	it('names a channel that is not in the workspace', async () => {
		const result = await runInboxNode(
			{ resource: 'channel', operation: 'get', channelId: '={{ $json.id }}' },
			{ credentials: stack.inbox, continueOnFail: true, items: [{ json: { id: '00000000-0000-4000-8000-000000000000' } }] },
		);
		expect(result.json[0]).toMatchObject({ error: 'Not found: Channel not found in your workspace.', httpCode: '404' });
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
	});
});
