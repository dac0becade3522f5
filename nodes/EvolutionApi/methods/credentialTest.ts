import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

import { requestProbe } from '../../shared/connectionTest';
import { testEvolutionConnection } from '../helpers/connectionTest';

/** The credential test: the probes go through n8n's credential-test request helper. */
export async function evolutionApiConnectionTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	return await testEvolutionConnection(credential.data ?? {}, requestProbe(this));
}
