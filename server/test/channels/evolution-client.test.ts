import { EvolutionClient, EvolutionError, evolutionErrorText } from '../../src/providers/evolution/evolution-client';
import { API_KEY, SandboxClient } from '../sandbox/support/sandbox-client';

describe('Evolution client against the sandbox', () => {
	let sandbox: SandboxClient;
	beforeAll(async () => {
		sandbox = await SandboxClient.start();
		await sandbox.createInstance('client-test');
	});
	afterAll(async () => sandbox?.close());

	const failure = async (promise: Promise<unknown>) => {
		const error = await promise.then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(EvolutionError);
		return error as EvolutionError;
	};

	it('calls /path/{instance} with the key and reads the answer', async () => {
		const client = new EvolutionClient({ baseUrl: sandbox.url, apiKey: API_KEY });
		expect(await client.request('GET', '/instance/connectionState', undefined, { instance: 'client-test' })).toEqual({ instance: { instanceName: 'client-test', state: 'close' } });
	});

	it("maps Evolution's error envelope and its 200 {error: true} answers to one readable sentence, without the key", async () => {
		const client = new EvolutionClient({ baseUrl: sandbox.url, apiKey: API_KEY });
		const missing = await failure(client.request('GET', '/instance/connectionState', undefined, { instance: 'nope' }));
		expect(missing).toMatchObject({ kind: 'http', status: 404, message: 'Evolution answered 404 to GET /instance/connectionState: The "nope" instance does not exist' });
		const closed = await failure(client.request('POST', '/instance/restart', undefined, { instance: 'client-test' }));
		expect(closed).toMatchObject({ kind: 'error_flag', status: 200 });
		const unauthorized = await failure(new EvolutionClient({ baseUrl: sandbox.url, apiKey: 'wrong' }).request('GET', '/instance/connectionState', undefined, { instance: 'client-test' }));
		expect(unauthorized).toMatchObject({ status: 401, message: expect.stringContaining('Unauthorized') });
		expect(`${missing.message}${closed.message}${unauthorized.message}`).not.toContain(API_KEY);
		expect(evolutionErrorText({ status: 400, error: 'Bad Request', response: { message: [['instance requires property "text"']] } })).toBe('instance requires property "text"');
		expect(evolutionErrorText({ response: { message: [{ jid: '5511900000000@s.whatsapp.net', exists: false, number: '5511900000000' }] } })).toBe('5511900000000 is not on WhatsApp');
	});

	it('times out and tells an unreachable server apart', async () => {
		const fault = await sandbox.post('/_sandbox/faults', { route: '/instance/connectionState', timeout: true, hangMs: 3000, times: 1 });
		expect(fault.status).toBe(201);
		const slow = await failure(new EvolutionClient({ baseUrl: sandbox.url, apiKey: API_KEY, timeoutMs: 200 }).request('GET', '/instance/connectionState', undefined, { instance: 'client-test' }));
		expect(slow.kind).toBe('timeout');
		const down = await failure(new EvolutionClient({ baseUrl: 'http://127.0.0.1:9', apiKey: API_KEY }).request('GET', '/'));
		expect(down).toMatchObject({ kind: 'unreachable', message: expect.stringContaining('Cannot reach Evolution at http://127.0.0.1:9') });
	});
});
