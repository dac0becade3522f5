 
import type { INodeParameters, NodeApiError } from 'n8n-workflow';

import { startEvolutionSandbox, type EvolutionSandbox } from '../support/evolution-sandbox';
import { runEvolutionNode, type EvolutionCredentials } from '../support/n8n-harness';

const INSTANCE = 'shop-errors';
const MISSING_NUMBER = '5511900000000';

let sandbox: EvolutionSandbox;
let credentials: EvolutionCredentials;

beforeAll(async () => {
	sandbox = await startEvolutionSandbox();
	await sandbox.connectedInstance(INSTANCE);
	await sandbox.call('POST', '/_sandbox/numbers/not-on-whatsapp', { numbers: [MISSING_NUMBER] });
	credentials = { baseUrl: sandbox.url, apiKey: sandbox.apiKey, defaultInstance: INSTANCE };
});
afterAll(async () => sandbox.close());
beforeEach(() => sandbox.clearRequests());

const sendText = (
	number: string,
	extra: { credentials?: EvolutionCredentials; instanceName?: INodeParameters[string]; continueOnFail?: boolean; items?: number } = {},
) =>
	runEvolutionNode(
		{
			resource: 'message',
			operation: 'sendText',
			number,
			text: '={{ "Hello " + $json.name }}',
			...(extra.instanceName ? { instanceName: extra.instanceName } : {}),
		},
		{
			credentials: extra.credentials ?? credentials,
			continueOnFail: extra.continueOnFail,
			items: Array.from({ length: extra.items ?? 1 }, (_, index) => ({ json: { name: `customer ${index}`, phone: `55119888800${index}1` } })),
		},
	);

function failure(result: Awaited<ReturnType<typeof sendText>>): NodeApiError {
	const error = result.error('Evolution API') ?? result.error();
	expect(error).toBeDefined();
	return error as NodeApiError;
}

describe('Error mapping', () => {
	it('says the number is not on WhatsApp', async () => {
		const error = failure(await sendText(MISSING_NUMBER));
		expect(error.message).toBe(`Number ${MISSING_NUMBER} is not on WhatsApp`);
		expect(error.description).toContain('"exists":false');
		expect(error.httpCode).toBe('400');
	});

	it('says the instance does not exist', async () => {
		const error = failure(await sendText('5511988887777', { instanceName: { __rl: true, mode: 'name', value: 'nope' } }));
		expect(error.message).toBe('Instance "nope" does not exist');
		expect(error.description).toContain('The \\"nope\\" instance does not exist');
		expect(error.httpCode).toBe('404');
	});

	it('says the API key is wrong', async () => {
		const error = failure(await sendText('5511988887777', { credentials: { ...credentials, apiKey: 'wrong-example-key' } }));
		expect(error.message).toBe('Unauthorized: check the API key');
		expect(error.description).toContain('"Unauthorized"');
		expect(error.httpCode).toBe('401');
	});

	it('says the instance is not connected', async () => {
		await sandbox.call('POST', '/instance/create', { instanceName: 'closed-one', integration: 'WHATSAPP-BAILEYS' });
		const result = await runEvolutionNode({ resource: 'instance', operation: 'logout', instanceName: { __rl: true, mode: 'name', value: 'closed-one' } }, { credentials });
		const error = failure(result);
		expect(error.message).toBe('Instance "closed-one" is not connected');
		expect(error.description).toContain('The \\"closed-one\\" instance is not connected');

		const send = failure(await sendText('5511988887777', { instanceName: { __rl: true, mode: 'name', value: 'closed-one' } }));
		expect(send.message).toBe('Instance "closed-one" is not connected');
	});

	it('says the server is unreachable', async () => {
		const error = failure(await sendText('5511988887777', { credentials: { ...credentials, baseUrl: 'http://127.0.0.1:9' } }));
		expect(error.message).toBe('Cannot reach the Evolution API at http://127.0.0.1:9');
		expect(error.description).toContain('ECONNREFUSED');
	});

	it('reports a server failure with the raw body', async () => {
		const fault = await sandbox.call('POST', '/_sandbox/faults', { route: `/message/sendText/${INSTANCE}`, errorRate: 1, errorStatus: 500, times: 1 });
		expect(fault.status).toBe(201);
		const error = failure(await sendText('5511988887777'));
		expect(error.message).toBe('The Evolution API failed: Sandbox injected fault');
		expect(error.description).toContain('answered HTTP 500');
		expect(error.httpCode).toBe('500');
	});
});

describe('Items', () => {
	it('processes every input item: 3 items → 3 calls, each output paired with its input', async () => {
		const result = await runEvolutionNode(
			{ resource: 'message', operation: 'sendText', number: '={{ $json.phone }}', text: '={{ "Hello " + $json.name }}' },
			{
				credentials,
				items: [0, 1, 2].map((index) => ({ json: { name: `customer ${index}`, phone: `+55 11 98888-100${index}` } })),
			},
		);
		const requests = sandbox.requestsTo(`/message/sendText/${INSTANCE}`);
		expect(requests.map((request) => request.json)).toEqual([0, 1, 2].map((index) => ({ number: `551198888100${index}`, text: `Hello customer ${index}` })));
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.items.map((item) => (item.json.key as { remoteJid: string }).remoteJid)).toEqual(
			[0, 1, 2].map((index) => `551198888100${index}@s.whatsapp.net`),
		);
	});

	it('continues on fail: the failed item carries its error, the others go on', async () => {
		const result = await runEvolutionNode(
			{ resource: 'message', operation: 'sendText', number: '={{ $json.phone }}', text: 'Hi' },
			{
				credentials,
				continueOnFail: true,
				items: [{ json: { phone: '5511988880001' } }, { json: { phone: MISSING_NUMBER } }, { json: { phone: 'not a number' } }, { json: { phone: '5511988880003' } }],
			},
		);
		expect(result.error('Evolution API')).toBeUndefined();
		expect(result.items).toHaveLength(4);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(result.items[0].json.status).toBe('PENDING');
		expect(result.items[1].json).toMatchObject({ error: `Number ${MISSING_NUMBER} is not on WhatsApp`, httpCode: '400' });
		expect(result.items[2].json.error).toBe('"not a number" is not a phone number or WhatsApp ID');
		expect(result.items[3].json.status).toBe('PENDING');
		expect(sandbox.requestsTo(`/message/sendText/${INSTANCE}`)).toHaveLength(3);
	});

	it('stops at the first failing item without continue on fail, naming the item', async () => {
		const result = await runEvolutionNode(
			{ resource: 'message', operation: 'sendText', number: '={{ $json.phone }}', text: 'Hi' },
			{ credentials, items: [{ json: { phone: '5511988880001' } }, { json: { phone: MISSING_NUMBER } }, { json: { phone: '5511988880003' } }] },
		);
		const error = result.error('Evolution API') as NodeApiError;
		expect(error.message).toBe(`Number ${MISSING_NUMBER} is not on WhatsApp`);
		expect(error.context.itemIndex).toBe(1);
		expect(sandbox.requestsTo(`/message/sendText/${INSTANCE}`)).toHaveLength(2);
	});

	it('uses the default instance of the credential when none is chosen, and explains when there is none', async () => {
		await runEvolutionNode({ resource: 'instance', operation: 'connectionState' }, { credentials });
		expect(sandbox.requestsTo('/instance/connectionState/')[0].path).toBe(`/instance/connectionState/${INSTANCE}`);

		const result = await runEvolutionNode({ resource: 'instance', operation: 'connectionState' }, { credentials: { ...credentials, defaultInstance: '' } });
		expect(result.error('Evolution API')?.message).toBe('No instance chosen');
	});
});
