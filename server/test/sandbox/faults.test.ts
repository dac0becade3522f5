/** Fault injection per route: error rate, latency, timeouts, 429 with Retry-After, reset; control API auth. */
import { SandboxClient } from './support/sandbox-client';

describe('sandbox faults', () => {
	let sandbox: SandboxClient;
	beforeAll(async () => {
		sandbox = await SandboxClient.start();
		await sandbox.createInstance('faulty');
	});
	afterAll(() => sandbox.close());
	afterEach(async () => {
		await sandbox.delete('/_sandbox/faults');
	});

	const state = () => sandbox.get('/instance/connectionState/faulty');

	it('protects the control API with the global key', async () => {
		expect((await sandbox.get('/_sandbox/faults', null)).status).toBe(401);
		expect((await sandbox.get('/_sandbox/faults', 'wrong')).status).toBe(401);
		expect((await sandbox.get('/_sandbox/faults')).status).toBe(200);
	});

	it('fails the requested share of calls deterministically with the given status', async () => {
		const fault = await sandbox.post('/_sandbox/faults', { route: '/instance/connectionState', errorRate: 0.5, errorStatus: 503 });
		expect(fault.status).toBe(201);
		const results = [];
		for (let call = 0; call < 6; call++) results.push(await state());
		expect(results.map((result) => result.status)).toEqual([200, 503, 200, 503, 200, 503]);
		expect(results[1].body).toEqual({ status: 503, error: 'Internal Server Error', response: { message: 'Sandbox injected fault' } });
		expect((await sandbox.get('/instance/fetchInstances')).status).toBe(200);
	});

	it('answers 429 with Retry-After, for a limited number of calls', async () => {
		await sandbox.post('/_sandbox/faults', { route: '/instance/connectionState', method: 'GET', rateLimit: { retryAfterSeconds: 7 }, times: 2 });
		const first = await state();
		expect(first.status).toBe(429);
		expect(first.headers.get('retry-after')).toBe('7');
		expect((await state()).status).toBe(429);
		expect((await state()).status).toBe(200);
	});

	it('adds latency and can hang a request until the client gives up', async () => {
		await sandbox.post('/_sandbox/faults', { route: '/instance/connectionState', latencyMs: 150 });
		const started = Date.now();
		expect((await state()).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
		await sandbox.delete('/_sandbox/faults');

		await sandbox.post('/_sandbox/faults', { route: '/instance/connectionState', timeout: true, hangMs: 60000 });
		const controller = new AbortController();
		const timer = setTimeout(() => controller.abort(), 200);
		await expect(fetch(`${sandbox.url}/instance/connectionState/faulty`, { headers: { apikey: 'x' }, signal: controller.signal })).rejects.toThrow();
		clearTimeout(timer);
		await sandbox.post('/_sandbox/faults', { route: '/instance/connectionState', timeout: true, hangMs: 50 });
	});

	it('lists, deletes and resets faults', async () => {
		const created = await sandbox.post('/_sandbox/faults', { route: '/chat', errorRate: 1 });
		expect((await sandbox.get('/_sandbox/faults')).body).toHaveLength(1);
		expect((await sandbox.delete(`/_sandbox/faults/${created.body.id}`)).status).toBe(200);
		expect((await sandbox.get('/_sandbox/faults')).body).toEqual([]);
		expect((await sandbox.post('/_sandbox/faults', { errorRate: 2 })).status).toBe(400);
		await sandbox.post('/_sandbox/faults', { route: '/instance' });
		expect((await sandbox.post('/_sandbox/reset')).body).toEqual({ reset: true });
		expect((await sandbox.get('/_sandbox/faults')).body).toEqual([]);
		expect((await state()).status).toBe(404);
	});
});
