import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import type { Probe } from '../helpers/connectionTest';
import { testInboxConnection } from '../helpers/connectionTest';

/**
 * The credential test. n8n gives credential tests only the request-style helper (there is no `httpRequest` on
 * ICredentialTestFunctions), so the probes go through it.
 */
export async function whatsAppInboxApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const { helpers } = this;
	const probe: Probe = async (url, headers) =>
		(await helpers.request({
			method: 'GET',
			uri: url,
			headers,
			json: true,
			simple: false,
			resolveWithFullResponse: true,
			timeout: 15000,
		})) as { statusCode: number; body: unknown };
	return await testInboxConnection(credential.data ?? {}, probe);
}
