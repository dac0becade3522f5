import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

import { requestProbe } from '../../shared/connectionTest';
import { testInboxConnection } from '../helpers/connectionTest';

/** The credential test: the probes go through n8n's credential-test request helper. */
export async function whatsAppInboxApiTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	return await testInboxConnection(credential.data ?? {}, requestProbe(this));
}
