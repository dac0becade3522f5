import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { CredentialTestContext } from 'n8n-core';
import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

import { startEvolutionSandbox, type EvolutionSandbox } from '../support/evolution-sandbox';
import { loadBuiltPackage, loadOptionsContext } from '../support/n8n-harness';

let sandbox: EvolutionSandbox;
let notEvolution: Server;
let notEvolutionUrl: string;

beforeAll(async () => {
	sandbox = await startEvolutionSandbox();
	await sandbox.connectedInstance('sales');
	await sandbox.call('POST', '/instance/create', { instanceName: 'support', integration: 'WHATSAPP-BAILEYS' });
	notEvolution = createServer((_request, response) => {
		response.writeHead(200, { 'content-type': 'text/html' });
		response.end('<html><body>Welcome to nginx!</body></html>');
	});
	await new Promise<void>((resolve) => notEvolution.listen(0, '127.0.0.1', resolve));
	notEvolutionUrl = `http://127.0.0.1:${(notEvolution.address() as AddressInfo).port}`;
});
afterAll(async () => {
	await new Promise<void>((resolve) => notEvolution.close(() => resolve()));
	await sandbox.close();
});

async function testCredential(data: Record<string, string>): Promise<INodeCredentialTestResult> {
	const { evolutionNode } = await loadBuiltPackage();
	const credentialTest = evolutionNode.methods?.credentialTest?.evolutionApiConnectionTest;
	expect(evolutionNode.description.credentials).toEqual([{ name: 'evolutionApi', required: true, testedBy: 'evolutionApiConnectionTest' }]);
	const credential = { id: '1', name: 'Evolution', type: 'evolutionApi', data } as ICredentialsDecrypted;
	return await credentialTest!.call(new CredentialTestContext() as unknown as ICredentialTestFunctions, credential);
}

describe('Credential test', () => {
	it('passes with the global key and names the server version', async () => {
		const result = await testCredential({ baseUrl: `${sandbox.url}/`, apiKey: sandbox.apiKey, defaultInstance: 'sales' });
		expect(result).toEqual({ status: 'OK', message: 'Connected to Evolution API 2.3.7; the key sees 2 instance(s).' });
	});

	it('passes with an instance token', async () => {
		const state = await sandbox.call<{ instances: Array<{ name: string; token: string }> }>('GET', '/_sandbox');
		const token = String(state.body.instances.find((entry) => entry.name === 'support')?.token);
		const result = await testCredential({ baseUrl: sandbox.url, apiKey: token, defaultInstance: 'support' });
		expect(result.status).toBe('OK');
		expect(result.message).toContain('1 instance(s)');
	});

	it('says the key is wrong', async () => {
		const result = await testCredential({ baseUrl: sandbox.url, apiKey: 'wrong-example-key' });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^Wrong API key: Evolution API 2\.3\.7 at http:\/\/127\.0\.0\.1:\d+ rejected it \(HTTP 401\)/);
	});

	it('says the server is unreachable', async () => {
		const result = await testCredential({ baseUrl: 'http://127.0.0.1:9', apiKey: sandbox.apiKey });
		expect(result).toEqual({
			status: 'Error',
			message: 'Cannot reach http://127.0.0.1:9: the connection was refused (nothing listens there) (ECONNREFUSED). Check the Base URL and that the server is running.',
		});
	});

	it('says the server is not an Evolution API', async () => {
		const result = await testCredential({ baseUrl: notEvolutionUrl, apiKey: sandbox.apiKey });
		expect(result.status).toBe('Error');
		expect(result.message).toBe(`${notEvolutionUrl} answered (HTTP 200) but is not an Evolution API server. Use the root address of the server, not the /manager page.`);
	});

	it('says the default instance does not exist', async () => {
		const result = await testCredential({ baseUrl: sandbox.url, apiKey: sandbox.apiKey, defaultInstance: 'ghost' });
		expect(result.status).toBe('Error');
		expect(result.message).toContain('"ghost" does not exist');
	});
});

describe('Instance list search', () => {
	it('lists instances with their state, filtered by name', async () => {
		const { evolutionNode } = await loadBuiltPackage();
		const context = await loadOptionsContext({ baseUrl: sandbox.url, apiKey: sandbox.apiKey });
		const searchInstances = evolutionNode.methods!.listSearch!.searchInstances;
		expect(await searchInstances.call(context)).toEqual({
			results: [
				{ name: 'sales (open)', value: 'sales' },
				{ name: 'support (close)', value: 'support' },
			],
		});
		expect(await searchInstances.call(context, 'SUP')).toEqual({ results: [{ name: 'support (close)', value: 'support' }] });
	});
});
