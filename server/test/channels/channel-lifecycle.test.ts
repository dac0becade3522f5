import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { channelQrViewSchema } from '../../src/channels/channel-qr-view-schema';
import { SERVER_WEBHOOK_EVENTS } from '../../src/channels/evolution-instance';
import type { Db } from '../../src/db/db';
import type { InboxEvent } from '../../src/realtime/inbox-events';
import { RedisRealtimeSubscriber } from '../../src/realtime/redis-realtime';
import { testRedisUrl } from '../../../test/support/test-database';
import { ADAPTERS, eventually, openMigratedDb, seedWorkspace, signIn, startInboxApp, type InboxApp } from '../inbox/support/inbox-app';
import { API_KEY, SandboxClient } from '../sandbox/support/sandbox-client';

// Time-scaled lifecycle: QR refreshed every 500 ms for 15 s, health checked every 300 ms, reconnect checked after 400 ms.
const TIMINGS = { CHANNEL_QR_REFRESH_MS: '500', CHANNEL_QR_WINDOW_MS: '15000', CHANNEL_HEALTH_INTERVAL_MS: '300', CHANNEL_RECONNECT_VERIFY_MS: '400' };
const LONG = 60_000;

describe.each(ADAPTERS)('channel lifecycle against the sandbox on %s', (_name, open) => {
	let db: Db;
	let sandbox: SandboxClient;
	let server: InboxApp;
	let admin: string;
	let workspaceId: string;
	let subscriber: RedisRealtimeSubscriber;
	let redis: Redis;
	const events: InboxEvent[] = [];

	beforeAll(async () => {
		// The sandbox rotates its QR faster than we ask, so every refresh finds a new one.
		sandbox = await SandboxClient.start({ qrRefreshMs: 300, qrLimit: 1000, webhookRetry: { initialDelayMs: 50, maxDelayMs: 200, timeoutMs: 5000 } });
		db = await openMigratedDb(open);
		server = await startInboxApp(db, { env: TIMINGS, evolution: { baseUrl: sandbox.url, apiKey: API_KEY } });
		const ws = await seedWorkspace(db, server.runtime.integrationsKey, { messages: 0 });
		workspaceId = ws.workspaceId;
		admin = (await signIn(server, ws.admin.email)).authorization;
		redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 2 });
		subscriber = await RedisRealtimeSubscriber.start(redis, (id, event) => {
			if (id === workspaceId) events.push(event);
		});
	});

	afterAll(async () => {
		await subscriber?.close();
		redis?.disconnect();
		await server?.close();
		await sandbox?.close();
		await db?.close();
	});

	const tag = () => randomBytes(3).toString('hex');
	const channel = async (id: string) => (await server.call('GET', `/api/v1/channels/${id}`, admin)).json();
	const log = async (id: string) => (await server.call('GET', `/api/v1/channels/${id}/log?limit=200`, admin)).json().data as Array<{ kind: string; status: string; reason: string; message: string }>;
	const create = async (body: Record<string, unknown>) => server.call('POST', '/api/v1/channels', admin, { name: 'Vendas', ...body });
	const waitStatus = (id: string, status: string, reason?: string) =>
		eventually(async () => {
			const view = await channel(id);
			const now = { status: view.status, ...(reason ? { statusReason: view.statusReason } : {}) };
			// On a timeout the failure shows the channel's log: what happened instead.
			if (JSON.stringify(now) !== JSON.stringify({ status, ...(reason ? { statusReason: reason } : {}) })) Object.assign(now, { log: (await log(id)).map((l) => `${l.kind} ${l.status ?? ''} ${l.reason ?? ''} ${l.message}`) });
			expect(now).toEqual({ status, ...(reason ? { statusReason: reason } : {}) });
			return view;
		}, LONG);
	/** create → scan: a connected channel. */
	const connected = async () => {
		const name = `lc-${tag()}`;
		const created = await create({ instanceName: name });
		expect(created.statusCode).toBe(201);
		const id = created.json().channel.id as string;
		expect((await sandbox.post(`/_sandbox/instances/${name}/scan`, { number: '5511999990000', profileName: 'ACME Vendas' })).status).toBe(200);
		await waitStatus(id, 'connected');
		return { id, name };
	};

	it('creates the instance with the webhook exactly as the contract says; a customer message then reaches the server with no manual setup', async () => {
		const name = `lc-${tag()}`;
		const created = await create({ instanceName: name });
		expect(created.statusCode).toBe(201);
		const { channel: view, webhookSecret } = created.json();
		expect(view).toMatchObject({ status: 'connecting', statusReason: 'qr_requested', instanceOwned: true, needsPairing: false });

		const webhook = (await sandbox.get(`/webhook/find/${name}`)).body;
		expect(webhook).toMatchObject({
			url: `${server.url}/webhooks/evolution/${view.id}`,
			enabled: true,
			headers: { 'x-webhook-secret': webhookSecret },
			webhookByEvents: false,
			webhookBase64: true,
		});
		expect([...webhook.events].sort()).toEqual([...SERVER_WEBHOOK_EVENTS].sort());

		// The instance token is kept, sealed.
		const token = (await sandbox.get('/_sandbox')).body.instances.find((i: { name: string }) => i.name === name).token as string;
		const stored = (await db.query<{ sealed: string }>('SELECT instance_token_encrypted AS sealed FROM whatsapp_channels WHERE id = $1', [view.id])).rows[0].sealed;
		expect(stored).toMatch(/^v1:/);
		expect(stored).not.toContain(token);

		const qr = (await server.call('GET', `/api/v1/channels/${view.id}/qr`, admin)).json();
		expect(qr).toMatchObject({ code: expect.stringMatching(/^2@/), image: expect.stringMatching(/^data:image\/png;base64,/), count: expect.any(Number), expiresAt: expect.any(String) });
		const png = await fetch(`${server.url}/api/v1/channels/${view.id}/qr.png`, { headers: { authorization: admin } });
		expect(png.headers.get('content-type')).toBe('image/png');
		expect(Buffer.from(await png.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');
		const svg = await fetch(`${server.url}/api/v1/channels/${view.id}/qr.svg`, { headers: { authorization: admin } });
		expect(svg.headers.get('content-type')).toContain('image/svg+xml');
		expect(await svg.text()).toContain('<svg');

		await sandbox.post(`/_sandbox/instances/${name}/scan`, { number: '5511999990000', profileName: 'ACME Vendas' });
		await waitStatus(view.id, 'connected', 'paired');
		// The QR job may see the session open (connect answers `open`) before the connection.update webhook brings
		// the phone and profile name: those follow.
		await eventually(async () => {
			const current = await channel(view.id);
			expect(current).toMatchObject({ status: 'connected', phoneE164: '+5511999990000', profileName: 'ACME Vendas', needsPairing: false });
			return current;
		}, LONG);
		expect((await server.call('GET', `/api/v1/channels/${view.id}/qr`, admin)).json()).toMatchObject({ code: null });

		await sandbox.post(`/_sandbox/instances/${name}/messages`, { type: 'text', from: '5511977776666', text: 'Olá, vim pelo site' });
		await eventually(async () => {
			const { rows } = await db.query<{ body: string }>('SELECT body FROM whatsapp_messages WHERE channel_id = $1', [view.id]);
			expect(rows.map((r) => r.body)).toContain('Olá, vim pelo site');
		}, LONG);
	});

	it('refreshes the QR about every period while pairing, then expires it ("QR expirado — tente de novo")', async () => {
		const name = `lc-${tag()}`;
		const { channel: view } = (await create({ instanceName: name })).json();
		const expired = await waitStatus(view.id, 'expired', 'qr_expired');
		expect(expired.statusMessage).toEqual({ 'pt-BR': 'QR expirado — tente de novo', en: 'QR expired — try again' });
		expect(expired.needsPairing).toBe(true);
		const qrs = events.filter((e) => e.type === 'channel.qr' && e.channelId === view.id);
		// 15 s at one refresh per 500 ms: well over 3 new codes even on a loaded machine, all different.
		expect(qrs.length).toBeGreaterThanOrEqual(3);
		expect(new Set(qrs.map((e) => e.data.code)).size).toBe(qrs.length);
		const counts = qrs.map((e) => e.data.count as number);
		expect(counts).toEqual([...counts].sort((a, b) => a - b));
		// Nothing after the expiry: the chain stopped.
		const after = events.length;
		await new Promise((r) => setTimeout(r, 1200));
		expect(events.slice(after).filter((e) => e.type === 'channel.qr' && e.channelId === view.id)).toEqual([]);
		expect((await log(view.id)).filter((l) => l.kind === 'state').map((l) => l.reason)).toEqual(['qr_expired', 'qr_requested']);
		// Trying again starts a new pairing.
		// The answer has exactly the documented shape (the web app's QrView is generated from it).
		expect(channelQrViewSchema.parse((await server.call('POST', `/api/v1/channels/${view.id}/connect`, admin, {})).json())).toMatchObject({ status: 'connecting', code: expect.stringMatching(/^2@/) });
	});

	it('pairs by phone number with an 8-character pairing code', async () => {
		const name = `lc-${tag()}`;
		const { channel: view } = (await create({ instanceName: name, phoneNumber: '+55 (11) 99999-1234' })).json();
		expect(view).toMatchObject({ status: 'connecting', statusReason: 'pairing_requested' });
		const qr = (await server.call('GET', `/api/v1/channels/${view.id}/qr`, admin)).json();
		expect(qr.pairingCode).toMatch(/^[A-Z0-9]{8}$/);
		expect((await create({ instanceName: `lc-${tag()}`, phoneNumber: '12' })).statusCode).toBe(400);
	});

	it('monitor: 2 failed checks alert, the 3rd reconnects, and the channel is connected again', async () => {
		const { id, name } = await connected();
		await sandbox.post(`/_sandbox/instances/${name}/drop`, { reconnect: false });
		await waitStatus(id, 'connected', 'reconnected');
		const lines = await log(id);
		expect(lines.some((l) => l.kind === 'alert' && /failed 2 times/.test(l.message))).toBe(true);
		expect(lines.some((l) => l.kind === 'step' && /Automatic reconnect/.test(l.message))).toBe(true);
		expect(events.some((e) => e.type === 'channel.alert' && e.channelId === id)).toBe(true);
		const states = lines.filter((l) => l.kind === 'state').map((l) => `${l.status}/${l.reason}`).reverse();
		// The monitor's reconnect, then connected again. ('disconnected/connection_lost' also shows when the sandbox's
		// `connecting` webhook beats the monitor's third check; on a loaded machine the monitor may get there first.)
		const reconnecting = states.indexOf('disconnected/reconnecting');
		expect(reconnecting).toBeGreaterThan(states.indexOf('connected/paired'));
		expect(states.slice(reconnecting)).toContain('connected/reconnected');
	});

	it('monitor: a reconnect that does not come back says "reconnect failed — reconnect now", is not retried by itself, and reconnect now works', async () => {
		const { id, name } = await connected();
		await sandbox.post(`/_sandbox/instances/${name}/offline`, { offline: true });
		await sandbox.post(`/_sandbox/instances/${name}/drop`, { reconnect: false });
		const failed = await waitStatus(id, 'error', 'reconnect_failed');
		expect(failed.statusMessage.en).toBe('Reconnect failed — reconnect now');
		// More checks happen, but no second automatic reconnect.
		await eventually(async () => expect((await channel(id)).healthFailures).toBeGreaterThanOrEqual(6), LONG);
		expect((await log(id)).filter((l) => /Automatic reconnect/.test(l.message))).toHaveLength(1);
		await sandbox.post(`/_sandbox/instances/${name}/offline`, { offline: false });
		expect((await server.call('POST', `/api/v1/channels/${id}/reconnect`, admin)).statusCode).toBe(200);
		await waitStatus(id, 'connected', 'reconnected');
	});

	it('a logout from the phone is handled once and never looped on by the monitor', async () => {
		const { id, name } = await connected();
		await sandbox.post(`/_sandbox/instances/${name}/logout`);
		const view = await waitStatus(id, 'logged_out', 'logged_out');
		expect(view).toMatchObject({ needsPairing: true, statusCode: 401 });
		const checkedAt = (await channel(id)).healthCheckedAt;
		await new Promise((r) => setTimeout(r, 1500));
		expect((await channel(id)).healthCheckedAt).toBe(checkedAt);
		expect((await log(id)).filter((l) => l.kind === 'state' && l.status === 'logged_out')).toHaveLength(1);
	});

	it('logout by an admin: logged out once, a new QR needed, not monitored; delete with detach keeps an instance the server created', async () => {
		const { id, name } = await connected();
		const answer = await server.call('POST', `/api/v1/channels/${id}/logout`, admin);
		expect(answer.statusCode).toBe(200);
		expect(answer.json()).toMatchObject({ status: 'logged_out', statusReason: 'logged_out', needsPairing: true });
		expect((await sandbox.get(`/instance/connectionState/${name}`)).body).toMatchObject({ instance: { state: 'close' } });
		// The logout webhooks Evolution sends afterwards (close 401, logout.instance) change nothing and log nothing more.
		const checkedAt = (await channel(id)).healthCheckedAt;
		await new Promise((r) => setTimeout(r, 1500));
		expect(await channel(id)).toMatchObject({ status: 'logged_out', healthCheckedAt: checkedAt });
		expect((await log(id)).filter((l) => l.kind === 'state' && l.status === 'logged_out')).toHaveLength(1);
		expect((await log(id)).some((l) => l.message === 'Logged out by an admin')).toBe(true);
		// Reconnect now on a logged-out channel starts pairing again (a QR), rather than restarting a dead session.
		expect((await server.call('POST', `/api/v1/channels/${id}/reconnect`, admin)).json()).toMatchObject({ status: 'connecting', statusReason: 'qr_requested' });

		expect((await server.call('DELETE', `/api/v1/channels/${id}?evolutionInstance=detach`, admin)).statusCode).toBe(204);
		expect((await sandbox.get(`/instance/connectionState/${name}`)).status).toBe(200);
		// Our webhook is switched off on the instance left behind: nothing more is sent to a removed channel.
		expect((await sandbox.get(`/webhook/find/${name}`)).body).toMatchObject({ enabled: false });
		expect((await server.call('GET', `/api/v1/channels/${id}`, admin)).statusCode).toBe(404);
	});

	it('a rotated webhook secret is put on the instance webhook at once: the next customer message is accepted, the old secret refused', async () => {
		const { id, name } = await connected();
		const old = (await sandbox.get(`/webhook/find/${name}`)).body.headers['x-webhook-secret'] as string;
		const rotated = await server.call('POST', `/api/v1/channels/${id}/webhook-secret`, admin);
		expect(rotated.statusCode).toBe(200);
		const { webhookSecret } = rotated.json();
		expect(webhookSecret).not.toBe(old);
		expect((await sandbox.get(`/webhook/find/${name}`)).body).toMatchObject({ url: `${server.url}/webhooks/evolution/${id}`, headers: { 'x-webhook-secret': webhookSecret }, webhookBase64: true });
		// At once, although the webhook route had the channel cached with the old secret a moment ago.
		await sandbox.post(`/_sandbox/instances/${name}/messages`, { type: 'text', from: '5511977775555', text: 'depois da rotação' });
		await eventually(async () => {
			const { rows } = await db.query<{ body: string }>('SELECT body FROM whatsapp_messages WHERE channel_id = $1', [id]);
			expect(rows.map((r) => r.body)).toContain('depois da rotação');
		}, LONG);
		const stale = await fetch(`${server.url}/webhooks/evolution/${id}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-webhook-secret': old }, body: '{}' });
		expect(stale.status).toBe(401);
		expect((await log(id)).some((l) => l.message === 'Webhook secret rotated; the instance webhook sends the new one')).toBe(true);
	});

	it('attach: 409 naming the receiver that holds the webhook; take-over saves it and removal restores it', async () => {
		const name = `lc-${tag()}`;
		const theirs = { url: 'https://n8n.example.com/webhook/evolution', headers: { authorization: 'Bearer n8n-secret' }, events: ['MESSAGES_UPSERT'], byEvents: true };
		await sandbox.createInstance(name, theirs);
		const refused = await create({ instanceName: name, instance: 'attach' });
		expect(refused.statusCode).toBe(409);
		expect(refused.json()).toMatchObject({ error: { code: 'webhook_taken', message: expect.stringContaining('https://n8n.example.com/webhook/evolution') } });
		expect((await db.query('SELECT 1 FROM whatsapp_channels WHERE instance_name = $1', [name])).rows).toHaveLength(0);

		const taken = await create({ instanceName: name, instance: 'attach', takeOver: true });
		expect(taken.statusCode).toBe(201);
		const id = taken.json().channel.id as string;
		expect(taken.json().channel.instanceOwned).toBe(false);
		expect((await sandbox.get(`/webhook/find/${name}`)).body).toMatchObject({ url: `${server.url}/webhooks/evolution/${id}`, webhookBase64: true });
		const sealed = (await db.query<{ s: string }>('SELECT previous_webhook_encrypted AS s FROM whatsapp_channels WHERE id = $1', [id])).rows[0].s;
		expect(sealed).not.toContain('n8n-secret');
		expect((await log(id)).some((l) => l.message.includes('taken over from https://n8n.example.com/webhook/evolution'))).toBe(true);

		expect((await server.call('DELETE', `/api/v1/channels/${id}`, admin)).statusCode).toBe(204);
		expect((await sandbox.get(`/webhook/find/${name}`)).body).toMatchObject({
			url: theirs.url,
			enabled: true,
			headers: theirs.headers,
			events: theirs.events,
			webhookByEvents: true,
		});
		// Detached, not deleted.
		expect((await sandbox.get(`/instance/connectionState/${name}`)).status).toBe(200);

		// An instance with no webhook is attached without take-over.
		const free = `lc-${tag()}`;
		await sandbox.createInstance(free);
		expect((await create({ instanceName: free, instance: 'attach' })).statusCode).toBe(201);
		expect((await create({ instanceName: `missing-${tag()}`, instance: 'attach' })).statusCode).toBe(422);
	});

	it('delete removes an instance the server created; the log pages newest first', async () => {
		const { id, name } = await connected();
		await server.call('POST', `/api/v1/channels/${id}/restart`, admin);
		await waitStatus(id, 'connected');
		const first = (await server.call('GET', `/api/v1/channels/${id}/log?limit=2`, admin)).json();
		expect(first.data).toHaveLength(2);
		expect(first.nextCursor).toEqual(expect.any(String));
		const second = (await server.call('GET', `/api/v1/channels/${id}/log?limit=2&before=${first.nextCursor}`, admin)).json();
		expect(Number(second.data[0].id)).toBeLessThan(Number(first.data[1].id));
		expect((await log(id)).some((l) => l.message === 'Restart requested')).toBe(true);
		expect((await server.call('DELETE', `/api/v1/channels/${id}`, admin)).statusCode).toBe(204);
		await eventually(async () => expect((await sandbox.get(`/instance/connectionState/${name}`)).status).toBe(404), LONG);
		expect((await server.call('GET', `/api/v1/channels/${id}/log`, admin)).statusCode).toBe(404);
	});
});
