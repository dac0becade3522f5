/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console */
import { privateServices } from './private-services';

export default async function globalTeardown(): Promise<void> {
	await Promise.all([privateServices.postgres?.stop(), privateServices.redis?.stop()]);
}
