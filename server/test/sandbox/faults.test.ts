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

	it('answers an injected 4xx as Evolution answers that status (CONTRACT §1.3), or with the response.message given', async () => {
		const sendText = () => sandbox.post('/message/sendText/faulty', { number: '5511988887777', text: 'oi' });
		const injected = async (fault: Record<string, unknown>) => {
			expect((await sandbox.post('/_sandbox/faults', { route: '/message/sendText/faulty', times: 1, ...fault })).status).toBe(201);
			const answer = await sendText();
			return { status: answer.status, body: answer.body };
		};
		expect(await injected({ errorStatus: 401 })).toEqual({ status: 401, body: { status: 401, error: 'Unauthorized', response: { message: 'Unauthorized' } } });
		expect(await injected({ errorStatus: 404 })).toEqual({ status: 404, body: { status: 404, error: 'Not Found', response: { message: ['The "faulty" instance does not exist'] } } });
		expect(await injected({ errorStatus: 403 })).toEqual({ status: 403, body: { status: 403, error: 'Forbidden', response: { message: ['Sandbox injected fault'] } } });
		const validation = [['instance requires property "text"']];
		expect(await injected({ errorStatus: 400, errorMessage: validation })).toEqual({ status: 400, body: { status: 400, error: 'Bad Request', response: { message: validation } } });
		const uncaught = "Cannot read properties of undefined (reading 'onWhatsApp')";
		expect(await injected({ errorStatus: 500, errorMessage: uncaught })).toEqual({ status: 500, body: { status: 500, error: 'Internal Server Error', response: { message: uncaught } } });
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

	it('carries a send out and holds its answer (answerDelayMs): the send is made before the answer leaves', async () => {
		await sandbox.openInstance('slow');
		await sandbox.post('/_sandbox/faults', { route: '/message/sendText/slow', answerDelayMs: 2000, times: 1 });
		const started = Date.now();
		let answeredAt = Infinity;
		const answer = sandbox.post('/message/sendText/slow', { number: '5511988887777', text: 'devagar' }).then((got) => {
			answeredAt = Date.now();
			return got;
		});
		const madeAt = await (async () => {
			for (;;) {
				const { body } = await sandbox.get('/_sandbox/sends?instance=slow');
				if (body.total === 1) return Date.now();
				await new Promise((resolve) => setTimeout(resolve, 20));
			}
		})();
		const answered = await answer;
		expect(answered.status).toBe(201);
		expect(answered.body.key.id).toEqual(expect.any(String));
		expect(answeredAt - started).toBeGreaterThanOrEqual(1990);
		expect(madeAt).toBeLessThan(answeredAt);
		// times: 1 — the next send is answered at once.
		const next = Date.now();
		expect((await sandbox.post('/message/sendText/slow', { number: '5511988887777', text: 'agora' })).status).toBe(201);
		expect(Date.now() - next).toBeLessThan(500);
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
