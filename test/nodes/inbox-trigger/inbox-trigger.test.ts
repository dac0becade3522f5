import { createHmac, randomBytes } from 'node:crypto';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { filteredOut } from '../../../nodes/WhatsAppInbox/trigger/receive';
import type { InboxTriggerStaticData } from '../../../nodes/WhatsAppInbox/trigger/registration';
import { checkSignature } from '../../../nodes/WhatsAppInbox/trigger/signature';
import type { Db } from '../../../server/src/db/db';
import { createPgliteDb } from '../../../server/src/db/pglite-db';
import { eventually, openMigratedDb, seedWorkspace, signIn, startInboxApp, type InboxApp } from '../../../server/test/inbox/support/inbox-app';
import { API_KEY, SandboxClient } from '../../../server/test/sandbox/support/sandbox-client';
import { startInboxTrigger, type InboxTriggerUnderTest, type Received } from './support/inbox-trigger-harness';

const LONG = 60_000;

/** The WhatsApp Inbox Trigger against the real companion server (PGlite, the run's Redis, the Evolution sandbox). */
describe('WhatsApp Inbox Trigger with the real server', () => {
	let db: Db;
	let sandbox: SandboxClient;
	let server: InboxApp;
	let admin: string;
	let adminToken: string;
	let inboxOnlyToken: string;
	let channel: { id: string; name: string };
	const triggers: InboxTriggerUnderTest[] = [];

	beforeAll(async () => {
		sandbox = await SandboxClient.start({ maxSendDelayMs: 5 });
		db = await openMigratedDb(() => createPgliteDb());
		server = await startInboxApp(db, {
			env: { WEBHOOK_DELIVERY_RETRY_MS: '100', WEBHOOK_DELIVERY_ATTEMPTS: '6', WEBHOOK_DELIVERY_TIMEOUT_MS: '15000' },
			evolution: { baseUrl: sandbox.url, apiKey: API_KEY },
		});
		const ws = await seedWorkspace(db, server.runtime.integrationsKey, { messages: 0 });
		admin = (await signIn(server, ws.admin.email)).authorization;
		const token = async (scopes: string[]) => (await server.call('POST', '/api/v1/api-tokens', admin, { name: `n8n ${scopes.join('+')}`, scopes })).json().token as string;
		adminToken = await token(['inbox', 'admin']);
		inboxOnlyToken = await token(['inbox']);
		const name = `trg-${randomBytes(3).toString('hex')}`;
		const created = await server.call('POST', '/api/v1/channels', admin, { name: 'Vendas', instanceName: name });
		expect(created.statusCode).toBe(201);
		channel = { id: created.json().channel.id, name };
		await sandbox.post(`/_sandbox/instances/${name}/scan`, { number: '5511999990001', profileName: 'ACME' });
		await eventually(async () => expect((await server.call('GET', `/api/v1/channels/${channel.id}`, admin)).json().status).toBe('connected'), LONG);
	}, 300_000);

	afterAll(async () => {
		for (const trigger of triggers) await trigger.close();
		await server?.close();
		await sandbox?.close();
		await db?.close();
	});

	const newTrigger = async (parameters: INodeParameters = {}, apiToken = adminToken) => {
		const trigger = await startInboxTrigger({ serverUrl: `${server.url}/`, apiToken, parameters, webhookId: `7a1e0c52-0000-4000-8000-${randomBytes(6).toString('hex')}` });
		triggers.push(trigger);
		return trigger;
	};
	const subscriptionsAt = async (url: string) =>
		((await server.call('GET', '/api/v1/webhook-subscriptions', admin)).json().data as Array<{ id: string; url: string; events: string[] }>).filter((s) => s.url === url);
	const phone = () => `55119${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
	const inbound = (from: string, text: string) => sandbox.post(`/_sandbox/instances/${channel.name}/messages`, { type: 'text', from, text });
	const itemsOf = (trigger: InboxTriggerUnderTest) => trigger.received.flatMap((r) => r.items.map((item) => item.json));
	const signed = (secret: string, timestamp: number, body: string) => `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;

	it('subscribes its production URL on activation, reports it as existing, and re-subscribes when the events change', async () => {
		const trigger = await newTrigger({ events: ['message.received', 'lead.created'] });
		expect(await trigger.hook('checkExists')).toBe(false);
		await trigger.activate();
		const [subscription] = await subscriptionsAt(trigger.url());
		expect(subscription).toMatchObject({ url: trigger.url(), events: ['lead.created', 'message.received'], active: true });
		const own = (trigger.staticData() as InboxTriggerStaticData).subscriptions![trigger.url()]!;
		expect(own.id).toBe(subscription!.id);
		expect(own.secret).toMatch(/^n8n_[A-Za-z0-9_-]{43}$/);
		expect(await trigger.hook('checkExists')).toBe(true);
		// n8n activating again (a restart) creates nothing new.
		await trigger.activate();
		expect(await subscriptionsAt(trigger.url())).toHaveLength(1);

		trigger.node.parameters.events = ['lead.updated'];
		expect(await trigger.hook('checkExists')).toBe(false);
		await trigger.hook('create');
		const after = await subscriptionsAt(trigger.url());
		expect(after.map((s) => s.events)).toEqual([['lead.updated']]);
		expect(after[0]!.id).not.toBe(subscription!.id);

		expect(await trigger.hook('delete')).toBe(true);
		expect(await subscriptionsAt(trigger.url())).toEqual([]);
		expect((trigger.staticData() as InboxTriggerStaticData).subscriptions).toEqual({});
		// Deactivating twice (the subscription already gone) is fine too.
		expect(await trigger.hook('delete')).toBe(true);
	});

	it('receives a message the sandbox delivers: signature checked, one item with the message and its chat', async () => {
		const trigger = await newTrigger();
		await trigger.activate();
		const from = phone();
		await inbound(from, 'Olá, vi o anúncio');
		const [item] = await eventually(() => {
			const items = itemsOf(trigger);
			expect(items).toHaveLength(1);
			return items;
		}, LONG);
		expect(item).toMatchObject({
			event: 'message.received',
			type: 'message.received',
			eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
			channelId: channel.id,
			chat: { jid: `${from}@s.whatsapp.net`, isGroup: false, phone: `+${from}` },
			message: { direction: 'inbound', body: 'Olá, vi o anúncio', type: 'text' },
		});
		const delivery = trigger.received[0]!;
		expect(delivery.statusCode).toBe(200);
		expect(delivery.url).toBe(trigger.url());
		// The server recorded it as delivered at the first attempt.
		const own = (trigger.staticData() as InboxTriggerStaticData).subscriptions![trigger.url()]!;
		const list = await eventually(async () => {
			const data = (await server.call('GET', `/api/v1/webhook-subscriptions/${own.id}/deliveries`, admin)).json().data;
			expect(data[0]?.status).toBe('delivered');
			return data;
		}, LONG);
		expect(list[0]).toMatchObject({ eventId: item!.eventId, attempts: 1, lastStatusCode: 200 });
		await trigger.hook('delete');
	});

	it('refuses forged, unsigned and replayed-old deliveries with 401, and starts nothing for a repeated event id', async () => {
		const trigger = await newTrigger();
		await trigger.activate();
		await inbound(phone(), 'primeira');
		const original = await eventually(() => {
			expect(trigger.received).toHaveLength(1);
			return trigger.received[0]!;
		}, LONG);
		const secret = (trigger.staticData() as InboxTriggerStaticData).subscriptions![trigger.url()]!.secret;
		const count = () => itemsOf(trigger).length;
		expect(count()).toBe(1);

		// The server retrying the same event (a fresh timestamp and signature): acknowledged, no second execution.
		const now = Math.floor(Date.now() / 1000);
		const retry = await trigger.post(trigger.url(), original.rawBody, { 'x-inbox-timestamp': String(now), 'x-inbox-signature': signed(secret, now, original.rawBody) });
		expect(retry).toMatchObject({ statusCode: 200, answer: { received: true, ignored: 'duplicate' }, items: [] });

		const forgedBody = original.rawBody.replace('primeira', 'forjada');
		const forged = await trigger.post(trigger.url(), forgedBody, { 'x-inbox-timestamp': original.headers['x-inbox-timestamp']!, 'x-inbox-signature': original.headers['x-inbox-signature']! });
		expect(forged).toMatchObject({ statusCode: 401, answer: { message: 'Unauthorized: wrong signature' } });
		const unsigned = await trigger.post(trigger.url(), original.rawBody, {});
		expect(unsigned.statusCode).toBe(401);
		// Correctly signed, but six minutes old: a replay.
		const old = now - 6 * 60;
		const fresh = JSON.stringify({ ...JSON.parse(original.rawBody), id: '00000000-0000-4000-8000-000000000001' });
		const replay = await trigger.post(trigger.url(), fresh, { 'x-inbox-timestamp': String(old), 'x-inbox-signature': signed(secret, old, fresh) });
		expect(replay).toMatchObject({ statusCode: 401, answer: { message: 'Unauthorized: timestamp older than 5 minutes' } });
		// The same body signed now is a new event and runs.
		const accepted = await trigger.post(trigger.url(), fresh, { 'x-inbox-timestamp': String(now), 'x-inbox-signature': signed(secret, now, fresh) });
		expect(accepted.items).toHaveLength(1);
		expect(count()).toBe(2);
		await trigger.hook('delete');
	});

	it('listens on the test URL beside the production one; each has its own subscription and secret', async () => {
		const trigger = await newTrigger();
		await trigger.activate();
		await trigger.activate(true);
		const [production] = await subscriptionsAt(trigger.url());
		const [test] = await subscriptionsAt(trigger.url(true));
		expect(production).toBeDefined();
		expect(test).toBeDefined();
		const own = (trigger.staticData() as InboxTriggerStaticData).subscriptions!;
		expect(own[trigger.url()]!.secret).not.toBe(own[trigger.url(true)]!.secret);

		await inbound(phone(), 'para os dois');
		const both = await eventually(() => {
			const got = trigger.received.filter((r: Received) => r.items.length === 1);
			expect(got.map((r) => r.url).sort()).toEqual([trigger.url(), trigger.url(true)].sort());
			return got;
		}, LONG);
		expect(both.every((r) => r.statusCode === 200)).toBe(true);

		// n8n stops listening for the test event: only the test subscription goes.
		await trigger.hook('delete', true);
		expect(await subscriptionsAt(trigger.url(true))).toEqual([]);
		expect(await subscriptionsAt(trigger.url())).toHaveLength(1);
		expect(await trigger.hook('checkExists')).toBe(true);
		await trigger.hook('delete');
	});

	it('filters by chat and direction before starting anything', async () => {
		const wanted = phone();
		const trigger = await newTrigger({ events: ['message.received', 'message.sent'], options: { onlyChats: `+${wanted}`, direction: 'inbound' } });
		await trigger.activate();
		await inbound(phone(), 'outro chat');
		await inbound(wanted, 'o chat certo');
		await eventually(() => expect(itemsOf(trigger).map((item) => (item.message as IDataObject).body)).toEqual(['o chat certo']), LONG);
		await eventually(() => expect(trigger.received.map((r) => (r.answer as IDataObject).ignored)).toContain('chat'), LONG);
		await trigger.hook('delete');
	});

	it('attaches a received image as binary data, fetched from the server once it stored the file', async () => {
		const trigger = await newTrigger({ options: { downloadMedia: true, binaryPropertyName: 'photo' } });
		await trigger.activate();
		const image = Buffer.from('/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=', 'base64');
		await sandbox.post(`/_sandbox/instances/${channel.name}/messages`, { type: 'image', from: phone(), caption: 'Foto do produto', media: image.toString('base64'), mimetype: 'image/jpeg' });
		const delivery = await eventually(() => {
			const got = trigger.received.filter((r) => r.items.length === 1);
			expect(got).toHaveLength(1);
			return got[0]!;
		}, LONG);
		const [item] = delivery.items;
		expect(item!.json).toMatchObject({ message: { type: 'image', media: { id: expect.any(String), mimeType: 'image/jpeg' } } });
		expect(item!.json.mediaError).toBeUndefined();
		expect(item!.binary?.photo).toMatchObject({ mimeType: 'image/jpeg' });
		expect(Buffer.from(item!.binary!.photo!.data, 'base64').equals(image)).toBe(true);
		await trigger.hook('delete');
	});

	it('says what to do when the token lacks the admin scope or the server is not there', async () => {
		const weak = await newTrigger({}, inboxOnlyToken);
		await expect(weak.hook('create')).rejects.toMatchObject({
			message: expect.stringContaining('Missing scope'),
			description: expect.stringContaining('"admin" scope'),
		});
		const nowhere = await startInboxTrigger({ serverUrl: 'http://127.0.0.1:9', apiToken: adminToken });
		triggers.push(nowhere);
		await expect(nowhere.hook('create')).rejects.toMatchObject({
			message: 'Cannot reach the WhatsApp Inbox server at http://127.0.0.1:9',
			description: expect.stringContaining('Check the Server URL'),
		});
	});
});

describe('WhatsApp Inbox Trigger filters and signature (pure)', () => {
	const event = (overrides: IDataObject = {}): IDataObject => ({
		id: 'e1',
		type: 'message.received',
		channelId: 'c1',
		chat: { jid: '5511988887777@s.whatsapp.net', isGroup: false, phone: '+5511988887777' },
		data: { message: { direction: 'inbound' } },
		...overrides,
	});

	it('applies channel, direction, group and chat filters', () => {
		expect(filteredOut(event(), {})).toBeUndefined();
		expect(filteredOut(event(), { channelIds: ['c2'] })).toBe('channel');
		expect(filteredOut(event(), { channelIds: ['c1', 'c2'] })).toBeUndefined();
		expect(filteredOut(event(), { direction: 'outbound' })).toBe('direction');
		expect(filteredOut(event({ type: 'lead.created', data: { lead: {} } }), { direction: 'outbound' })).toBeUndefined();
		const group = event({ chat: { jid: '120363000000000000@g.us', isGroup: true, phone: null } });
		expect(filteredOut(group, { ignoreGroups: true })).toBe('group');
		expect(filteredOut(group, { ignoreGroups: false })).toBeUndefined();
		expect(filteredOut(event(), { onlyChats: '+55 11 98888-7777' })).toBeUndefined();
		expect(filteredOut(event(), { onlyChats: '5511988887777@s.whatsapp.net, 5511900000000' })).toBeUndefined();
		expect(filteredOut(event(), { onlyChats: '+55 11 90000-0000' })).toBe('chat');
		expect(filteredOut(group, { onlyChats: '120363000000000000@g.us' })).toBeUndefined();
	});

	it('accepts either of its secrets, and refuses a future or malformed timestamp', () => {
		const body = '{"id":"e1"}';
		const now = 1_800_000_000;
		const sign = (secret: string, ts: number | string) => `sha256=${createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')}`;
		const headers = (secret: string, ts: number | string) => ({ 'x-inbox-timestamp': String(ts), 'x-inbox-signature': sign(secret, ts) });
		expect(checkSignature(['a-secret', 'b-secret'], headers('b-secret', now), body, now)).toEqual({ ok: true });
		expect(checkSignature(['a-secret'], headers('b-secret', now), body, now)).toEqual({ ok: false, reason: 'wrong signature' });
		expect(checkSignature([], headers('b-secret', now), body, now)).toEqual({ ok: false, reason: 'wrong signature' });
		expect(checkSignature(['a-secret'], headers('a-secret', now + 301), body, now)).toEqual({ ok: false, reason: 'timestamp older than 5 minutes' });
		expect(checkSignature(['a-secret'], headers('a-secret', now - 299), body, now)).toEqual({ ok: true });
		expect(checkSignature(['a-secret'], headers('a-secret', '12e9'), body, now)).toEqual({ ok: false, reason: 'malformed timestamp' });
	});
});
