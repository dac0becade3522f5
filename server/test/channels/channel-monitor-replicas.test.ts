import { randomBytes } from 'node:crypto';
import { createTestDatabase, testRedisUrl } from '../../../test/support/test-database';
import { eventually, request } from '../inbox/support/inbox-app';
import { API_KEY, SandboxClient } from '../sandbox/support/sandbox-client';
import { startServerProcess, type ServerProcess } from '../support/server-process';

// The monitor's period, time-scaled from the product's 60 s.
const PERIOD_MS = 1000;
const CHANNELS = 3;
const LONG = 120_000;

/**
 * The health monitor with two server processes (`node dist/server/src/main.js`) on one PostgreSQL and one Redis, as
 * replicas run: the monitor is one BullMQ job scheduler for the deployment, so each channel gets ONE connectionState
 * check per period, not one per replica; and it goes on when a replica stops.
 *
 * Counted where it lands, at the sandbox. A check belongs to the period its sweep ran in (one job id per channel and
 * period), and a sweep only sees a channel once it is connected, so between a moment T0 before the channel could be
 * connected (just before the scan) and a moment T1 after the count was read, a channel can have had at most
 * floor(T1/P) − floor(T0/P) + 1 checks, however late a loaded machine runs them. A timer per replica would make about
 * twice that. PostgreSQL only: PGlite is a database inside one process, it cannot be shared by two.
 */
describe('channel health monitor with two server processes', () => {
	let sandbox: SandboxClient;
	let databaseUrl: string;
	const replicas: ServerProcess[] = [];
	const integrationsKey = randomBytes(32).toString('base64');
	const prefix = `mon-rep-${randomBytes(4).toString('hex')}`;

	const startReplica = async () => {
		const replica = await startServerProcess({
			DATABASE_URL: databaseUrl,
			REDIS_URL: testRedisUrl(),
			EVOLUTION_BASE_URL: sandbox.url,
			EVOLUTION_API_KEY: API_KEY,
			INTEGRATIONS_KEY: integrationsKey,
			QUEUE_PREFIX: prefix,
			CHANNEL_HEALTH_INTERVAL_MS: String(PERIOD_MS),
		});
		replicas.push(replica);
		return replica;
	};

	beforeAll(async () => {
		databaseUrl = await createTestDatabase('monitor_replicas');
		sandbox = await SandboxClient.start();
	});
	afterAll(async () => {
		for (const replica of replicas) await replica.stop();
		await sandbox?.close();
	});

	/** connectionState calls per instance so far: a fault with no effect on each instance's path only counts its calls. */
	const checks = async (): Promise<Map<string, number>> => {
		const faults = (await sandbox.get('/_sandbox/faults')).body as Array<{ route: string; matched: number }>;
		return new Map(faults.map((f) => [f.route.replace('/instance/connectionState/', ''), f.matched]));
	};
	const periods = (from: number, to: number) => Math.floor(to / PERIOD_MS) - Math.floor(from / PERIOD_MS) + 1;

	it('checks each channel once per period across both replicas, and goes on with one', async () => {
		const a = await startReplica();
		const b = await startReplica();
		const registered = await request(a.url, 'POST', '/api/v1/auth/register', {
			payload: { workspaceName: 'Monitor', name: 'Ana', email: `ana-${prefix}@example.com`, password: 'a long password for tests' },
		});
		expect(registered.statusCode).toBe(201);
		const admin = `Bearer ${registered.json().token}`;

		// Names of one length: no instance's path is a prefix of another's, so each counter sees only its own calls.
		const channels: Array<{ name: string; id: string; notBefore: number }> = [];
		for (let i = 0; i < CHANNELS; i++) {
			const name = `mon-${randomBytes(3).toString('hex')}`;
			expect((await sandbox.post('/_sandbox/faults', { route: `/instance/connectionState/${name}` })).status).toBe(201);
			// Created through either replica: both serve the API on the same database.
			const via = i % 2 ? b : a;
			const created = await request(via.url, 'POST', '/api/v1/channels', { authorization: admin, payload: { name: `Canal ${i}`, instanceName: name } });
			expect(created.statusCode).toBe(201);
			const id = created.json().channel.id as string;
			const notBefore = Date.now();
			expect((await sandbox.post(`/_sandbox/instances/${name}/scan`, { number: `55119999900${10 + i}` })).status).toBe(200);
			await eventually(async () => expect((await request(via.url, 'GET', `/api/v1/channels/${id}`, { authorization: admin })).json().status).toBe('connected'), LONG);
			channels.push({ name, id, notBefore });
		}

		const atMostOnePerPeriod = async (least: number) => {
			// Enough periods for a second check per period to show: wait until every channel has `least` checks.
			const counted = await eventually(async () => {
				const now = await checks();
				for (const c of channels) expect({ channel: c.name, atLeast: (now.get(c.name) ?? 0) >= least }).toEqual({ channel: c.name, atLeast: true });
				return now;
			}, LONG);
			const readBy = Date.now();
			for (const c of channels) {
				// On a failure Jest shows the whole object: the checks counted and the periods they had.
				const seen = { channel: c.name, checks: counted.get(c.name)!, periods: periods(c.notBefore, readBy) };
				expect({ ...seen, withinOnePerPeriod: seen.checks <= seen.periods }).toMatchObject({ withinOnePerPeriod: true });
			}
			return counted;
		};

		const both = await atMostOnePerPeriod(10);

		// One replica stops: the other runs the same scheduler, and the checks go on at the same pace.
		await a.stop();
		await atMostOnePerPeriod(Math.max(...channels.map((c) => both.get(c.name)!)) + 4);

		// Every check found the channel open: no alert, no reconnect, still connected.
		for (const c of channels) expect((await request(b.url, 'GET', `/api/v1/channels/${c.id}`, { authorization: admin })).json()).toMatchObject({ status: 'connected', healthFailures: 0 });
	}, 400_000);
});
