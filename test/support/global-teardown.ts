/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/require-node-api-error, no-console */
import { privateServices } from './private-services';

export default async function globalTeardown(): Promise<void> {
	await Promise.all([privateServices.postgres?.stop(), privateServices.redis?.stop()]);
}
