/** Webhook delivery: retry policy, non-retryable 4xx, byEvents suffix, custom headers (and jwt_key), filtering, set/find semantics. */
import { createHmac } from 'node:crypto';

import { retryDelayMs } from '../../sandbox/webhooks/retry-policy';
import { SandboxClient } from './support/sandbox-client';
import { WebhookReceiver } from './support/webhook-receiver';

describe('sandbox webhook delivery', () => {
	let sandbox: SandboxClient;
	let receiver: WebhookReceiver;
	beforeAll(async () => {
		receiver = await new WebhookReceiver().start();
		sandbox = await SandboxClient.start({ webhookRetry: { maxAttempts: 4, initialDelayMs: 40, maxDelayMs: 100, timeoutMs: 2000 } });
	});
	afterAll(async () => {
		await sandbox.close();
		await receiver.close();
	});

	const deliveries = async (instance: string, event: string) =>
		(await sandbox.get(`/_sandbox/deliveries?instance=${instance}&event=${event}`)).body as Array<{
			state: string;
			url: string;
			attempts: Array<{ status?: number; error?: string; at: string }>;
		}>;

	async function settled(instance: string, event: string) {
		for (let tries = 0; tries < 200; tries++) {
			const [record] = await deliveries(instance, event);
			if (record && record.state !== 'pending') return record;
			await new Promise((resolve) => setTimeout(resolve, 25));
		}
		throw new Error('delivery never settled');
	}

	it('computes Evolution back-off: exponential, capped, ±20 % jitter, never below the initial delay', () => {
		const policy = { maxAttempts: 10, initialDelayMs: 5000, maxDelayMs: 300000 };
		expect(retryDelayMs(policy, 1, () => 0)).toBe(5000); // 5000 − 20 % clamps to the floor
		expect(retryDelayMs(policy, 1, () => 1)).toBe(6000);
		expect(retryDelayMs(policy, 2, () => 0.5)).toBe(10000);
		expect(retryDelayMs(policy, 3, () => 0)).toBe(16000);
		expect(retryDelayMs(policy, 10, () => 0.5)).toBe(300000);
		expect(retryDelayMs(policy, 10, () => 1)).toBe(360000);
	});

	it('retries 5xx with back-off and sends a byte-identical body each time', async () => {
		receiver.scriptByPath.set('/retry', [503, 500]);
		await sandbox.createInstance('retry', { url: `${receiver.url}/retry`, events: ['INSTANCE_CREATE'] });
		const record = await settled('retry', 'instance.create');
		expect(record.state).toBe('delivered');
		expect(record.attempts.map((attempt) => attempt.status)).toEqual([503, 500, 200]);
		const bodies = receiver.received.filter((hook) => hook.path === '/retry').map((hook) => hook.raw);
		expect(bodies).toHaveLength(3);
		expect(new Set(bodies).size).toBe(1);
		const gaps = [1, 2].map((index) => Date.parse(record.attempts[index].at) - Date.parse(record.attempts[index - 1].at));
		expect(gaps[0]).toBeGreaterThanOrEqual(40);
		expect(gaps[1]).toBeGreaterThanOrEqual(40);
	});

	it.each([400, 401, 403, 404, 422])('does not retry a %i answer', async (status) => {
		receiver.scriptByPath.set(`/no-retry-${status}`, [status]);
		await sandbox.createInstance(`no-retry-${status}`, { url: `${receiver.url}/no-retry-${status}`, events: ['INSTANCE_CREATE'] });
		const record = await settled(`no-retry-${status}`, 'instance.create');
		expect(record.state).toBe('failed');
		expect(record.attempts.map((attempt) => attempt.status)).toEqual([status]);
	});

	it('gives up after maxAttempts on an unreachable receiver', async () => {
		await sandbox.createInstance('unreachable', { url: 'http://127.0.0.1:9/nothing', events: ['INSTANCE_CREATE'] });
		const record = await settled('unreachable', 'instance.create');
		expect(record.state).toBe('failed');
		expect(record.attempts).toHaveLength(4);
		expect(record.attempts.every((attempt) => attempt.error)).toBe(true);
	});

	it('appends the byEvents suffix, keeps destination unsuffixed, and sends the custom headers', async () => {
		await sandbox.createInstance('by-events', {
			url: `${receiver.url}/by`,
			byEvents: true,
			events: ['INSTANCE_CREATE'],
			headers: { authorization: 'Bearer n8n-secret', 'x-tenant': 'acme' },
		});
		const [hook] = await receiver.waitForEvent('instance.create', 1, (candidate) => candidate.body.instance === 'by-events');
		expect(hook.path).toBe('/by/instance-create');
		expect(hook.body.destination).toBe(`${receiver.url}/by`);
		expect(hook.headers.authorization).toBe('Bearer n8n-secret');
		expect(hook.headers['x-tenant']).toBe('acme');
		expect(hook.headers['content-type']).toBe('application/json');
		expect(hook.headers['user-agent']).toMatch(/^axios\//);
		expect(Object.keys(hook.body)).toEqual(['event', 'instance', 'data', 'destination', 'date_time', 'server_url', 'apikey']);
	});

	it('replaces a jwt_key header with a Bearer HS256 token', async () => {
		await sandbox.createInstance('jwt', { url: `${receiver.url}/jwt`, events: ['INSTANCE_CREATE'], headers: { jwt_key: 'shh' } });
		const [hook] = await receiver.waitForEvent('instance.create', 1, (candidate) => candidate.body.instance === 'jwt');
		expect(hook.headers.jwt_key).toBeUndefined();
		const token = String(hook.headers.authorization).replace(/^Bearer /, '');
		const [header, payload, signature] = token.split('.');
		expect(createHmac('sha256', 'shh').update(`${header}.${payload}`).digest('base64url')).toBe(signature);
		expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toMatchObject({ app: 'evolution', action: 'webhook' });
	});

	it('only fires subscribed events, and webhook/set is a partial update with enabled:false storing []', async () => {
		await sandbox.createInstance('filtered', { url: `${receiver.url}/filtered`, events: ['CONNECTION_UPDATE'], byEvents: true, headers: { 'x-a': '1' } });
		await sandbox.get('/instance/connect/filtered');
		await receiver.waitForEvent('connection.update', 1, (hook) => hook.body.instance === 'filtered');
		expect(receiver.received.filter((hook) => hook.body.instance === 'filtered').map((hook) => hook.body.event)).toEqual(['connection.update']);

		const disabled = await sandbox.post('/webhook/set/filtered', { webhook: { enabled: false, url: `${receiver.url}/filtered` } });
		expect(disabled.status).toBe(201);
		expect(disabled.body).toMatchObject({ enabled: false, events: [], headers: { 'x-a': '1' }, webhookByEvents: true, webhookBase64: false });
		const all = await sandbox.post('/webhook/set/filtered', { webhook: { enabled: true, url: `${receiver.url}/filtered`, events: [] } });
		expect(all.body.events).toHaveLength(31);
		const flat = await sandbox.post('/webhook/set/filtered', { enabled: true, url: 'x' });
		expect(flat.body).toEqual({ status: 400, error: 'Bad Request', response: { message: [['instance requires property "webhook"']] } });
		const badEvent = await sandbox.post('/webhook/set/filtered', { webhook: { enabled: true, url: 'x', events: ['NOPE'] } });
		expect(badEvent.body.response.message[0][0]).toMatch(/^webhook\.events\[0\] is not one of enum values: APPLICATION_STARTUP,QRCODE_UPDATED,/);
		await sandbox.createInstance('fresh');
		const first = await sandbox.post('/webhook/set/fresh', { webhook: { enabled: true, url: `${receiver.url}/fresh`, events: ['CALL'] } });
		expect(first.body).toMatchObject({ headers: null, webhookByEvents: false, webhookBase64: false });
		expect((await sandbox.get('/webhook/find/fresh')).body.id).toBe(first.body.id);
	});

	it('keeps a deleted instance until remove.instance is delivered (retries included)', async () => {
		receiver.scriptByPath.set('/deleting', [503, 503, 503]);
		await sandbox.createInstance('deleting', { url: `${receiver.url}/deleting`, events: ['REMOVE_INSTANCE'] });
		expect((await sandbox.delete('/instance/delete/deleting')).status).toBe(200);
		expect((await sandbox.get('/instance/connectionState/deleting')).status).toBe(200);
		const record = await settled('deleting', 'remove.instance');
		expect(record.attempts.map((attempt) => attempt.status)).toEqual([503, 503, 503, 200]);
		let status = 200;
		for (let tries = 0; tries < 100 && status === 200; tries++) {
			status = (await sandbox.get('/instance/connectionState/deleting')).status;
			if (status === 200) await new Promise((resolve) => setTimeout(resolve, 20));
		}
		expect(status).toBe(404);
	});
});
