import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/db';
import { ADAPTERS, eventually, openMigratedDb, seedWorkspace, signIn, startInboxApp, type InboxApp } from '../inbox/support/inbox-app';
import { API_KEY, SandboxClient } from '../sandbox/support/sandbox-client';
import { startPrefixProxy, type PrefixProxy } from '../support/prefix-proxy';

const LONG = 60_000;
const PREFIX = '/inbox';
// The events the server reads, as CONTRACT §3.2 names them: written out here so that a change to the server's list
// is a deliberate change to this test too.
const EVENTS = [
	'CONNECTION_UPDATE',
	'CONTACTS_UPDATE',
	'CONTACTS_UPSERT',
	'LOGOUT_INSTANCE',
	'MESSAGES_DELETE',
	'MESSAGES_EDITED',
	'MESSAGES_SET',
	'MESSAGES_UPDATE',
	'MESSAGES_UPSERT',
	'PRESENCE_UPDATE',
	'QRCODE_UPDATED',
	'SEND_MESSAGE',
	'SEND_MESSAGE_UPDATE',
	'STATUS_INSTANCE',
];

/**
 * PUBLIC_URL is what Evolution is given: with a path prefix and a trailing slash (`http://proxy/inbox/`), the instance
 * the server creates, and the one it attaches, get `PUBLIC_URL/webhooks/evolution/<channel id>` with the secret header,
 * the server's events and base64, read back from the sandbox; a customer's message then reaches the server through it.
 */
describe.each(ADAPTERS)('PUBLIC_URL as the instance webhook on %s', (_name, open) => {
	let db: Db;
	let sandbox: SandboxClient;
	let server: InboxApp;
	let proxy: PrefixProxy;
	let admin: string;

	beforeAll(async () => {
		sandbox = await SandboxClient.start({ webhookRetry: { initialDelayMs: 50, maxDelayMs: 200, timeoutMs: 5000 } });
		proxy = await startPrefixProxy(PREFIX, () => server.url);
		db = await openMigratedDb(open);
		server = await startInboxApp(db, { env: { PUBLIC_URL: `${proxy.url}${PREFIX}/` }, evolution: { baseUrl: sandbox.url, apiKey: API_KEY } });
		const ws = await seedWorkspace(db, server.runtime.integrationsKey, { messages: 0 });
		admin = (await signIn(server, ws.admin.email)).authorization;
	});

	afterAll(async () => {
		await server?.close();
		await proxy?.close();
		await sandbox?.close();
		await db?.close();
	});

	const tag = () => randomBytes(3).toString('hex');
	const create = (body: Record<string, unknown>) => server.call('POST', '/api/v1/channels', admin, { name: 'Vendas', ...body });

	/** The instance's webhook as the sandbox holds it: under PUBLIC_URL's prefix, with the secret, events and base64. */
	async function expectWebhookThroughProxy(name: string, channelId: string, webhookSecret: string): Promise<void> {
		const webhook = (await sandbox.get(`/webhook/find/${name}`)).body;
		expect(webhook).toMatchObject({
			url: `${proxy.url}${PREFIX}/webhooks/evolution/${channelId}`,
			enabled: true,
			headers: { 'x-webhook-secret': webhookSecret },
			webhookByEvents: false,
			webhookBase64: true,
		});
		expect([...webhook.events].sort()).toEqual(EVENTS);
	}

	it('creates the instance with PUBLIC_URL/webhooks/evolution/<id>, and a customer message comes in through it', async () => {
		const name = `pu-${tag()}`;
		const created = await create({ instanceName: name });
		expect(created.statusCode).toBe(201);
		const { channel, webhookSecret } = created.json();
		await expectWebhookThroughProxy(name, channel.id, webhookSecret);

		expect((await sandbox.post(`/_sandbox/instances/${name}/scan`, { number: '5511999990000', profileName: 'ACME' })).status).toBe(200);
		await eventually(async () => expect((await server.call('GET', `/api/v1/channels/${channel.id}`, admin)).json().status).toBe('connected'), LONG);
		await sandbox.post(`/_sandbox/instances/${name}/messages`, { type: 'text', from: '5511977776666', text: 'pelo proxy' });
		await eventually(async () => {
			const { rows } = await db.query<{ body: string }>('SELECT body FROM whatsapp_messages WHERE channel_id = $1', [channel.id]);
			expect(rows.map((r) => r.body)).toContain('pelo proxy');
		}, LONG);
		// It came the way Evolution was told: through the proxy, under the prefix, no doubled slash.
		expect(proxy.paths).toContain(`${PREFIX}/webhooks/evolution/${channel.id}`);
	});

	it('attaching an existing instance sets the same webhook with /webhook/set', async () => {
		const name = `pu-${tag()}`;
		await sandbox.createInstance(name);
		const attached = await create({ instanceName: name, instance: 'attach' });
		expect(attached.statusCode).toBe(201);
		const { channel, webhookSecret } = attached.json();
		await expectWebhookThroughProxy(name, channel.id, webhookSecret);
	});
});
