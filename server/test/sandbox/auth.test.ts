/** Guard order (404 → 403 → 401), global key vs instance token, and the create-time quirks (corrections 1–3). */
import { API_KEY, SandboxClient } from './support/sandbox-client';

describe('sandbox auth and guards', () => {
	let sandbox: SandboxClient;
	beforeAll(async () => {
		sandbox = await SandboxClient.start();
	});
	afterAll(() => sandbox.close());

	it('answers 404 for an unknown instance before checking the apikey', async () => {
		for (const key of [null, 'wrong', API_KEY]) {
			const response = await sandbox.get('/instance/connectionState/nope', key);
			expect(response.status).toBe(404);
			expect(response.body).toEqual({ status: 404, error: 'Not Found', response: { message: ['The "nope" instance does not exist'] } });
		}
	});

	it('answers 403 for a used name before checking the apikey on create', async () => {
		await sandbox.createInstance('guard-taken');
		for (const key of [null, 'wrong']) {
			const response = await sandbox.post('/instance/create', { instanceName: 'guard-taken', integration: 'WHATSAPP-BAILEYS' }, key);
			expect(response.status).toBe(403);
			expect(response.body.response.message).toEqual(['This name "guard-taken" is already in use.']);
		}
		const noKey = await sandbox.post('/instance/create', { instanceName: 'guard-free', integration: 'WHATSAPP-BAILEYS' }, null);
		expect(noKey.status).toBe(401);
		expect(noKey.body).toEqual({ status: 401, error: 'Unauthorized', response: { message: 'Unauthorized' } });
	});

	it('accepts an instance token only on its own instance routes and fetchInstances', async () => {
		const a = await sandbox.createInstance('token-a', undefined, { token: 'TOKEN-A' });
		await sandbox.createInstance('token-b', undefined, { token: 'TOKEN-B' });
		expect(a.hash).toBe('TOKEN-A');
		expect((await sandbox.get('/instance/connectionState/token-a', 'TOKEN-A')).status).toBe(200);
		expect((await sandbox.get('/instance/connectionState/token-b', 'TOKEN-A')).status).toBe(401);
		expect((await sandbox.post('/instance/create', { instanceName: 'by-token', integration: 'WHATSAPP-BAILEYS' }, 'TOKEN-A')).status).toBe(401);
		const scoped = await sandbox.get('/instance/fetchInstances', 'TOKEN-A');
		expect(scoped.status).toBe(200);
		expect(scoped.body.map((row: { name: string }) => row.name)).toEqual(['token-a']);
		expect(scoped.body[0].token).toBe('TOKEN-A');
		expect((await sandbox.get('/instance/fetchInstances', 'NOT-A-TOKEN')).status).toBe(401);
		const all = await sandbox.get('/instance/fetchInstances');
		expect(all.body.map((row: { name: string }) => row.name)).toEqual(expect.arrayContaining(['token-a', 'token-b']));
		const filtered = await sandbox.get('/instance/fetchInstances?instanceName=token-b');
		expect(filtered.body).toHaveLength(1);
		expect((await sandbox.get('/instance/fetchInstances?instanceName=ghost')).status).toBe(404);
	});

	it('requires integration and an events array, rolling back asynchronously', async () => {
		const noIntegration = await sandbox.post('/instance/create', { instanceName: 'no-integration' });
		expect(noIntegration.body).toEqual({ status: 400, error: 'Bad Request', response: { message: ['Invalid integration'] } });
		const noEvents = await sandbox.post('/instance/create', {
			instanceName: 'rollback',
			integration: 'WHATSAPP-BAILEYS',
			webhook: { url: 'http://127.0.0.1:9/hook' },
		});
		expect(noEvents.status).toBe(400);
		expect(noEvents.body.response.message).toEqual(["Cannot read properties of undefined (reading 'length')"]);
		// The saved row is rolled back asynchronously (a few ms later): poll until the name is free.
		let status = 200;
		for (let attempt = 0; attempt < 100 && status === 200; attempt++) {
			await new Promise((resolve) => setTimeout(resolve, 10));
			status = (await sandbox.get('/instance/connectionState/rollback')).status;
		}
		expect(status).toBe(404);
	});

	it('reports a missing instanceName as the name "undefined" in use, and accepts an empty name', async () => {
		const missing = await sandbox.post('/instance/create', { integration: 'WHATSAPP-BAILEYS' }, null);
		expect(missing.status).toBe(403);
		expect(missing.body.response.message).toEqual(['This name "undefined" is already in use.']);
		const empty = await sandbox.post('/instance/create', { instanceName: '', integration: 'WHATSAPP-BAILEYS' });
		expect(empty.status).toBe(201);
	});

	it('renders unknown routes and wrong methods as Evolution 404s', async () => {
		await sandbox.createInstance('routes');
		const unknown = await sandbox.post('/message/sendTxt/routes', {});
		expect(unknown.body).toEqual({ status: 404, error: 'Not Found', response: { message: ['Cannot POST /message/sendTxt/routes'] } });
		expect((await sandbox.request('PUT', '/instance/restart/routes')).status).toBe(404);
	});

	it('keeps the connect/restart 200 error bodies and the logout 400', async () => {
		await sandbox.createInstance('closed-one');
		const restart = await sandbox.post('/instance/restart/closed-one');
		expect(restart.status).toBe(200);
		expect(restart.body).toEqual({ error: true, message: '[object Object]' });
		const logout = await sandbox.delete('/instance/logout/closed-one');
		expect(logout.body).toEqual({ status: 400, error: 'Bad Request', response: { message: ['The "closed-one" instance is not connected'] } });
	});
});
