import { startEvolutionSandbox, type EvolutionSandbox } from '../support/evolution-sandbox';
import { runEvolutionNode, type EvolutionCredentials } from '../support/n8n-harness';

const INSTANCE = 'shop-resources';
const CUSTOMER = '5511988887777';
const PNG_BASE64 =
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

let sandbox: EvolutionSandbox;
let credentials: EvolutionCredentials;

beforeAll(async () => {
	sandbox = await startEvolutionSandbox();
	await sandbox.connectedInstance(INSTANCE);
	credentials = { baseUrl: sandbox.url, apiKey: sandbox.apiKey, defaultInstance: INSTANCE };
});
afterAll(async () => sandbox.close());
beforeEach(() => sandbox.clearRequests());

const run = (resource: string, operation: string, parameters: Record<string, unknown> = {}) =>
	runEvolutionNode({ resource, operation, ...parameters }, { credentials });

async function ok(resource: string, operation: string, parameters: Record<string, unknown> = {}) {
	const result = await run(resource, operation, parameters);
	expect(result.error('Evolution API')).toBeUndefined();
	return result.items;
}

const last = (path: string) => {
	const requests = sandbox.requestsTo(path);
	expect(requests.length).toBeGreaterThan(0);
	return requests[requests.length - 1];
};

describe('Instance lifecycle', () => {
	it('fetches, reads the state, sets presence, restarts, logs out and deletes', async () => {
		const byName = { __rl: true, mode: 'name', value: INSTANCE };
		const fetched = await ok('instance', 'fetch', { instanceName: byName });
		expect(last('/instance/fetchInstances').query.get('instanceName')).toBe(INSTANCE);
		expect(fetched[0].json).toMatchObject({ name: INSTANCE, connectionStatus: 'open' });

		const all = await ok('instance', 'fetch', {});
		expect(last('/instance/fetchInstances').query.has('instanceName')).toBe(true);
		expect(all.length).toBeGreaterThanOrEqual(1);

		expect((await ok('instance', 'connectionState'))[0].json).toEqual({ instanceName: INSTANCE, state: 'open', connected: true });
		const presence = await ok('instance', 'setPresence', { presence: 'unavailable' });
		expect(last(`/instance/setPresence/${INSTANCE}`).json).toEqual({ presence: 'unavailable' });
		expect(presence[0].json).toMatchObject({ presence: 'unavailable' });

		const restarted = await ok('instance', 'restart');
		expect(last(`/instance/restart/${INSTANCE}`).method).toBe('POST');
		expect(restarted[0].json).toMatchObject({ instanceName: INSTANCE, restarted: true });

		await sandbox.call('POST', '/instance/create', { instanceName: 'to-remove', integration: 'WHATSAPP-BAILEYS' });
		await sandbox.call('GET', '/instance/connect/to-remove');
		await sandbox.call('POST', '/_sandbox/instances/to-remove/scan', {});
		const toRemove = { __rl: true, mode: 'name', value: 'to-remove' };
		expect((await ok('instance', 'logout', { instanceName: toRemove }))[0].json).toEqual({ instanceName: 'to-remove', loggedOut: true });
		expect(last('/instance/logout/to-remove').method).toBe('DELETE');
		expect((await ok('instance', 'delete', { instanceName: toRemove }))[0].json).toEqual({ instanceName: 'to-remove', deleted: true });
		expect(last('/instance/delete/to-remove').method).toBe('DELETE');
	});

	it('waits for the connection while the phone scans the QR code', async () => {
		await sandbox.call('POST', '/instance/create', { instanceName: 'waiting', integration: 'WHATSAPP-BAILEYS' });
		await sandbox.call('GET', '/instance/connect/waiting');
		const waiting = run('instance', 'waitForConnection', { instanceName: { __rl: true, mode: 'name', value: 'waiting' }, timeout: 20, interval: 0.1 });
		// Scan once the node has seen the instance still connecting.
		while (sandbox.requestsTo('/instance/connectionState/waiting').length === 0) await new Promise((resolve) => setImmediate(resolve));
		await sandbox.call('POST', '/_sandbox/instances/waiting/scan', {});
		const { items } = await waiting;
		expect(items[0].json).toMatchObject({ instanceName: 'waiting', state: 'open', connected: true });
		expect(sandbox.requestsTo('/instance/connectionState/waiting').length).toBeGreaterThanOrEqual(2);
	});

	it('fails with a clear message when nobody scans in time', async () => {
		await sandbox.call('POST', '/instance/create', { instanceName: 'never', integration: 'WHATSAPP-BAILEYS' });
		const result = await run('instance', 'waitForConnection', { instanceName: { __rl: true, mode: 'name', value: 'never' }, timeout: 1, interval: 0.2 });
		expect(result.error('Evolution API')?.message).toBe('Instance "never" did not connect within 1 s');
	});
});

describe('Group resource', () => {
	it('creates a group and runs every group operation on it', async () => {
		const created = await ok('group', 'create', {
			subject: 'VIP Customers',
			participants: '+55 11 98888-7777, 5511912345678',
			options: { description: 'Early access' },
		});
		expect(last(`/group/create/${INSTANCE}`).json).toEqual({
			subject: 'VIP Customers',
			participants: [CUSTOMER, '5511912345678'],
			description: 'Early access',
		});
		const groupJid = String(created[0].json.id);
		expect(groupJid).toMatch(/@g\.us$/);
		const bare = groupJid.replace('@g.us', '');

		const groups = await ok('group', 'getAll', { getParticipants: true });
		expect(last(`/group/fetchAllGroups/${INSTANCE}`).query.get('getParticipants')).toBe('true');
		expect(groups.map((item) => item.json.id)).toContain(groupJid);

		const info = await ok('group', 'get', { groupJid: bare });
		expect(last(`/group/findGroupInfos/${INSTANCE}`).query.get('groupJid')).toBe(groupJid);
		expect(info[0].json).toMatchObject({ id: groupJid, subject: 'VIP Customers' });

		const participants = await ok('group', 'getParticipants', { groupJid });
		expect(participants.length).toBeGreaterThanOrEqual(2);
		expect(participants[0].json.groupJid).toBe(groupJid);

		for (const action of ['add', 'promote', 'demote', 'remove']) {
			await ok('group', 'updateParticipants', { groupJid, action, participants: '5511923456789' });
			const request = last(`/group/updateParticipant/${INSTANCE}`);
			expect(request.query.get('groupJid')).toBe(groupJid);
			expect(request.json).toEqual({ action, participants: ['5511923456789'] });
		}

		await ok('group', 'updateSubject', { groupJid, subject: 'VIP Customers 2026' });
		expect(last(`/group/updateGroupSubject/${INSTANCE}`).json).toEqual({ subject: 'VIP Customers 2026' });
		await ok('group', 'updateDescription', { groupJid, description: 'New perks' });
		expect(last(`/group/updateGroupDescription/${INSTANCE}`).json).toEqual({ description: 'New perks' });
		await runEvolutionNode(
			{ resource: 'group', operation: 'updatePicture', groupJid, source: 'binary', binaryPropertyName: 'data' },
			{ credentials, items: [{ json: {}, binary: { data: { base64: PNG_BASE64, fileName: 'logo.png', mimeType: 'image/png' } } }] },
		);
		expect(last(`/group/updateGroupPicture/${INSTANCE}`).json).toEqual({ image: PNG_BASE64 });

		const invite = await ok('group', 'getInviteLink', { groupJid });
		expect(invite[0].json.inviteUrl).toMatch(/^https:\/\/chat\.whatsapp\.com\//);
		const revoked = await ok('group', 'revokeInviteLink', { groupJid });
		expect(last(`/group/revokeInviteCode/${INSTANCE}`).method).toBe('POST');
		expect(revoked[0].json).toMatchObject({ revoked: true });
		const sent = await ok('group', 'sendInviteLink', { groupJid, participants: CUSTOMER, inviteMessage: 'Join us' });
		expect(last(`/group/sendInvite/${INSTANCE}`).json).toEqual({ groupJid, description: 'Join us', numbers: [CUSTOMER] });
		expect(sent[0].json).toMatchObject({ send: true });

		const left = await ok('group', 'leave', { groupJid });
		expect(last(`/group/leaveGroup/${INSTANCE}`).method).toBe('DELETE');
		expect(left[0].json).toMatchObject({ leave: true });
	});
});

describe('Profile, Label, Webhook and Settings resources', () => {
	it('reads and updates the profile', async () => {
		const own = await ok('profile', 'fetch', {});
		// n8n sends no body for an empty object; Evolution reads that as {} (own profile).
		expect(last(`/chat/fetchProfile/${INSTANCE}`).body.length).toBe(0);
		expect(own[0].json).toHaveProperty('wuid');
		await ok('profile', 'fetch', { number: CUSTOMER });
		expect(last(`/chat/fetchProfile/${INSTANCE}`).json).toEqual({ number: CUSTOMER });
		await ok('profile', 'updateName', { name: 'ACME Sales' });
		expect(last(`/chat/updateProfileName/${INSTANCE}`).json).toEqual({ name: 'ACME Sales' });
		await ok('profile', 'updateStatus', { status: 'Open 9-18' });
		expect(last(`/chat/updateProfileStatus/${INSTANCE}`).json).toEqual({ status: 'Open 9-18' });
		await ok('profile', 'updatePicture', { source: 'url', url: 'https://example.com/logo.png' });
		expect(last(`/chat/updateProfilePicture/${INSTANCE}`).json).toEqual({ picture: 'https://example.com/logo.png' });
		const removed = await ok('profile', 'removePicture');
		expect(last(`/chat/removeProfilePicture/${INSTANCE}`).method).toBe('DELETE');
		expect(removed[0].json).toMatchObject({ deleted: true });
	});

	it('lists labels and adds / removes one on a chat', async () => {
		const labels = await ok('label', 'getAll');
		expect(last(`/label/findLabels/${INSTANCE}`).method).toBe('GET');
		const labelId = labels.length > 0 ? String(labels[0].json.id) : '1';
		const added = await ok('label', 'addToChat', { number: CUSTOMER, labelId });
		expect(last(`/label/handleLabel/${INSTANCE}`).json).toEqual({ number: CUSTOMER, labelId, action: 'add' });
		expect(added[0].json).toMatchObject({ add: true });
		const removed = await ok('label', 'removeFromChat', { number: CUSTOMER, labelId });
		expect(last(`/label/handleLabel/${INSTANCE}`).json).toEqual({ number: CUSTOMER, labelId, action: 'remove' });
		expect(removed[0].json).toMatchObject({ remove: true });
	});

	it('sets the webhook wrapped in `webhook` and reads it back', async () => {
		const set = await ok('webhook', 'set', {
			enabled: true,
			url: 'https://n8n.example.com/webhook/abc',
			events: ['MESSAGES_UPSERT', 'SEND_MESSAGE'],
			options: { byEvents: true, base64: true, headers: { values: [{ name: 'x-secret', value: 'dummy-secret' }] } },
		});
		expect(last(`/webhook/set/${INSTANCE}`).json).toEqual({
			webhook: {
				enabled: true,
				url: 'https://n8n.example.com/webhook/abc',
				events: ['MESSAGES_UPSERT', 'SEND_MESSAGE'],
				byEvents: true,
				base64: true,
				headers: { 'x-secret': 'dummy-secret' },
			},
		});
		expect(set[0].json).toMatchObject({ url: 'https://n8n.example.com/webhook/abc', webhookByEvents: true, webhookBase64: true });
		const found = await ok('webhook', 'find');
		expect(found[0].json).toMatchObject({ enabled: true, events: ['MESSAGES_UPSERT', 'SEND_MESSAGE'], headers: { 'x-secret': 'dummy-secret' } });
	});

	it('sets all six settings and reads them back', async () => {
		await ok('settings', 'set', { rejectCall: true, msgCall: 'Please write', groupsIgnore: true, alwaysOnline: false, readMessages: true, readStatus: false, syncFullHistory: false });
		expect(last(`/settings/set/${INSTANCE}`).json).toEqual({
			rejectCall: true,
			groupsIgnore: true,
			alwaysOnline: false,
			readMessages: true,
			readStatus: false,
			syncFullHistory: false,
			msgCall: 'Please write',
		});
		const found = await ok('settings', 'find');
		expect(found[0].json).toMatchObject({ rejectCall: true, msgCall: 'Please write', groupsIgnore: true, readMessages: true });
	});
});

describe('History resource', () => {
	it('syncs every chat of the last 30 days by default, normalised, oldest first', async () => {
		const now = Math.floor(Date.now() / 1000);
		await sandbox.call('POST', `/_sandbox/instances/${INSTANCE}/history`, { messages: 60, chats: 3, since: now - 40 * 86400, until: now - 60, firstNumber: '5511960000001' });
		const before = Date.now();
		const items = await ok('history', 'sync', { scope: 'all', output: 'message', options: { pageSize: 25 } });
		const requests = sandbox.requestsTo(`/chat/findMessages/${INSTANCE}`);
		const where = (requests[0].json as { where: { messageTimestamp: { gte: string; lte: string } } }).where;
		expect(Object.keys(where)).toEqual(['messageTimestamp']);
		const span = Date.parse(where.messageTimestamp.lte) - Date.parse(where.messageTimestamp.gte);
		expect(span).toBe(30 * 86400 * 1000);
		expect(Math.abs(Date.parse(where.messageTimestamp.lte) - before)).toBeLessThan(60000);
		expect(requests.map((request) => (request.json as { page: number }).page)).toEqual(requests.map((_request, index) => index + 1));
		expect(items.length).toBeGreaterThan(20);
		expect(items.length).toBeLessThan(60);
		const stamps = items.map((item) => Number(item.json.messageTimestamp));
		expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);
		expect(items[0].json).toEqual(
			expect.objectContaining({
				instanceName: INSTANCE,
				messageId: expect.any(String),
				chatJid: expect.stringMatching(/@s\.whatsapp\.net$/),
				fromMe: expect.any(Boolean),
				messageType: expect.any(String),
				timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			}),
		);
	});

	it('syncs one chat between two dates in batches', async () => {
		const items = await ok('history', 'sync', {
			scope: 'chat',
			chat: '+55 11 96000-0002',
			from: new Date(Date.now() - 50 * 86400 * 1000).toISOString(),
			to: new Date().toISOString(),
			output: 'batch',
			batchSize: 7,
		});
		const where = (last(`/chat/findMessages/${INSTANCE}`).json as { where: { key: { remoteJid: string } } }).where;
		expect(where.key).toEqual({ remoteJid: '5511960000002@s.whatsapp.net' });
		const total = items.reduce((sum, item) => sum + Number(item.json.count), 0);
		expect(total).toBe(20);
		expect(items.map((item) => item.json.count)).toEqual([7, 7, 6]);
		expect((items[0].json.messages as Array<{ chatJid: string }>).every((message) => message.chatJid === '5511960000002@s.whatsapp.net')).toBe(true);
	});
});
