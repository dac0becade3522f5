import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/db';
import { ADAPTERS, eventually, openMigratedDb, seedWorkspace, signIn, startInboxApp, type InboxApp } from '../inbox/support/inbox-app';
import { API_KEY, SandboxClient } from '../sandbox/support/sandbox-client';
import { startPrefixProxy, type PrefixProxy } from '../support/prefix-proxy';

const LONG = 60_000;
const PREFIX = '/inbox';

interface LogLine {
	kind: string;
	message: string;
}

/**
 * A restart on another address: the first server (no PUBLIC_URL: its own address and port) creates and connects two
 * channels; it stops, and a second server on the same database starts behind a proxy with PUBLIC_URL. Once listening it
 * checks each instance's webhook (GET /webhook/find) and sets it again (POST /webhook/set) where it differs: the
 * sandbox's webhook then points under PUBLIC_URL, a customer message reaches the new server, and the channel's log says
 * so. Evolution failing for one channel holds neither the start nor the other channel; that one is fixed by a later
 * health sweep. A third start on the same PUBLIC_URL finds every webhook right and sets none. Calls are counted at the
 * sandbox (a fault with no effect counts the requests on its route).
 */
describe.each(ADAPTERS)('instance webhooks re-pointed after a restart on %s', (_name, open) => {
	let db: Db;
	let sandbox: SandboxClient;
	let proxy: PrefixProxy;
	let server: InboxApp | undefined;
	const integrationsKey = randomBytes(32);
	const queuePrefix = `repoint-${randomBytes(4).toString('hex')}`;
	const logLines: string[] = [];
	let admin: string;
	// Names of one length: no instance's route is a prefix of another's, so each counter sees only its own calls.
	const tag = () => `rp-${randomBytes(3).toString('hex')}`;
	const moved = { name: tag(), id: '', secret: '' };
	const unreachable = { name: tag(), id: '', secret: '' };
	let unreachableFault: number;

	const start = (env: Record<string, string> = {}) =>
		startInboxApp(db, {
			// The health sweep (which retries a check Evolution failed) every second instead of every minute.
			env: { QUEUE_PREFIX: queuePrefix, CHANNEL_HEALTH_INTERVAL_MS: '1000', ...env },
			evolution: { baseUrl: sandbox.url, apiKey: API_KEY },
			integrationsKey,
			startupTasks: true,
			logLines,
		});
	const publicUrl = () => `${proxy.url}${PREFIX}`;
	// Read from the sandbox's state (its control API), not /webhook/find: the test's own reads neither meet the injected
	// fault nor add to the counted calls.
	const webhook = async (name: string) => {
		const state = (await sandbox.get('/_sandbox')).body as { instances: Array<{ name: string; webhook: Record<string, unknown> | null }> };
		return state.instances.find((i) => i.name === name)!.webhook!;
	};
	const calls = async (route: string): Promise<number> => {
		const faults = (await sandbox.get('/_sandbox/faults')).body as Array<{ route: string; matched: number }>;
		return faults.find((f) => f.route === route)!.matched;
	};
	const channelLog = async (id: string) => (await server!.call('GET', `/api/v1/channels/${id}/log?limit=200`, admin)).json().data as LogLine[];

	/** A customer writes after the restart: the message shows up in the conversation, read from the running server. */
	async function expectCustomerMessageArrives(channel: { name: string; id: string }, text: string): Promise<void> {
		expect((await sandbox.post(`/_sandbox/instances/${channel.name}/messages`, { type: 'text', from: '5511977776666', text })).status).toBe(200);
		await eventually(async () => {
			const conversations = (await server!.call('GET', `/api/v1/conversations?channelId=${channel.id}&status=all&assignee=all`, admin)).json().data as Array<{ id: string }>;
			expect(conversations).toHaveLength(1);
			const thread = (await server!.call('GET', `/api/v1/conversations/${conversations[0].id}/messages?limit=50`, admin)).json().data as Array<{ body: string }>;
			expect(thread.map((m) => m.body)).toContain(text);
		}, LONG);
	}

	beforeAll(async () => {
		sandbox = await SandboxClient.start({ webhookRetry: { initialDelayMs: 50, maxDelayMs: 200, timeoutMs: 5000 } });
		proxy = await startPrefixProxy(PREFIX, () => server!.url);
		db = await openMigratedDb(open);
	});

	afterAll(async () => {
		await server?.close();
		await proxy?.close();
		await sandbox?.close();
		await db?.close();
	});

	it('points every managed instance at the new PUBLIC_URL, goes on when Evolution fails for one, and retries it later', async () => {
		server = await start();
		const firstUrl = server.url;
		const ws = await seedWorkspace(db, integrationsKey, { messages: 0 });
		admin = (await signIn(server, ws.admin.email)).authorization;
		for (const [i, channel] of [moved, unreachable].entries()) {
			const created = await server.call('POST', '/api/v1/channels', admin, { name: `Canal ${i}`, instanceName: channel.name });
			expect(created.statusCode).toBe(201);
			channel.id = created.json().channel.id;
			channel.secret = created.json().webhookSecret;
			expect((await sandbox.post(`/_sandbox/instances/${channel.name}/scan`, { number: `551199999001${i}` })).status).toBe(200);
			await eventually(async () => expect((await server!.call('GET', `/api/v1/channels/${channel.id}`, admin)).json().status).toBe('connected'), LONG);
			expect((await webhook(channel.name)).url).toBe(`${firstUrl}/webhooks/evolution/${channel.id}`);
			// Setting the webhook takes longer than a health period (1 s here): the sweeps meanwhile must not start a second
			// check of the channel, which would still read the old URL and set it again.
			expect((await sandbox.post('/_sandbox/faults', { route: `/webhook/set/${channel.name}`, latencyMs: 2500 })).status).toBe(201);
		}
		expect((await sandbox.post('/_sandbox/faults', { route: `/webhook/find/${moved.name}` })).status).toBe(201);
		// Evolution answers 503 for one instance's webhook while the new server starts.
		unreachableFault = (await sandbox.post('/_sandbox/faults', { route: `/webhook/find/${unreachable.name}`, errorRate: 1, errorStatus: 503 })).body.id;
		await server.close();

		server = await start({ PUBLIC_URL: publicUrl() });
		// The start's own work is only queued: it is done long before the webhooks are.
		await server.startupTasks;
		await eventually(async () =>
			expect(await webhook(moved.name)).toMatchObject({
				url: `${publicUrl()}/webhooks/evolution/${moved.id}`,
				enabled: true,
				headers: { 'x-webhook-secret': moved.secret },
				webhookByEvents: false,
				webhookBase64: true,
			}),
		LONG);
		expect(await calls(`/webhook/set/${moved.name}`)).toBe(1);
		await expectCustomerMessageArrives(moved, 'depois do restart');
		expect(proxy.paths).toContain(`${PREFIX}/webhooks/evolution/${moved.id}`);

		// The channel's log (the page's) says where it points now and where it pointed before; never the secret.
		const movedLog = await channelLog(moved.id);
		expect(movedLog.map((l) => l.message)).toContainEqual(
			`Webhook set again to ${publicUrl()}/webhooks/evolution/${moved.id} (it pointed to ${firstUrl}/webhooks/evolution/${moved.id}): url differed`,
		);

		// The unreachable one: still the old address for now, and its log says the check will be tried again.
		await eventually(async () => expect((await channelLog(unreachable.id)).map((l) => l.message)).toContainEqual(expect.stringMatching(/^Could not read the instance webhook after the server started .*trying again with the health checks$/)), LONG);
		expect((await webhook(unreachable.name)).url).toBe(`${firstUrl}/webhooks/evolution/${unreachable.id}`);
		expect(await calls(`/webhook/set/${unreachable.name}`)).toBe(0);

		// Evolution answers again: a health sweep sets it, once.
		expect((await sandbox.request('DELETE', `/_sandbox/faults/${unreachableFault}`)).status).toBeLessThan(300);
		await eventually(async () => expect((await webhook(unreachable.name)).url).toBe(`${publicUrl()}/webhooks/evolution/${unreachable.id}`), LONG);
		expect(await calls(`/webhook/set/${unreachable.name}`)).toBe(1);
		await expectCustomerMessageArrives(unreachable, 'esse também');

		// The server's log: one line per channel re-pointed, no secret anywhere.
		const repointed = logLines.filter((line) => line.includes('instance webhook re-pointed at this server'));
		expect(repointed.map((line) => JSON.parse(line).channelId).sort()).toEqual([moved.id, unreachable.id].sort());
		for (const secret of [moved.secret, unreachable.secret]) expect(logLines.filter((line) => line.includes(secret))).toEqual([]);
		for (const channel of [moved, unreachable]) expect(JSON.stringify(await channelLog(channel.id))).not.toContain(channel.secret);
	}, 240_000);

	it('a start on the same PUBLIC_URL reads every webhook and sets none', async () => {
		const reads = await calls(`/webhook/find/${moved.name}`);
		await server!.close();
		server = await start({ PUBLIC_URL: publicUrl() });
		await server.startupTasks;
		// Checked (read, and nothing owed any more) ...
		await eventually(async () => {
			expect(await calls(`/webhook/find/${moved.name}`)).toBeGreaterThan(reads);
			const { rows } = await db.query<{ owed: number }>('SELECT count(*)::int AS owed FROM whatsapp_channels WHERE webhook_check_base IS NOT NULL');
			expect(rows[0].owed).toBe(0);
		}, LONG);
		// ... and left as it was.
		expect(await calls(`/webhook/set/${moved.name}`)).toBe(1);
		expect(await calls(`/webhook/set/${unreachable.name}`)).toBe(1);
		await expectCustomerMessageArrives(moved, 'e depois de outro restart');
	}, 240_000);
});
