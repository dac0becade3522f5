/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/require-node-api-error, no-console */
import type { PrivatePostgres } from '../../server/src/infra/private-postgres';
import type { PrivateRedis } from '../../server/src/infra/private-redis';

/** Shared between globalSetup and globalTeardown, which Jest runs in the same process. */
export const privateServices: { postgres?: PrivatePostgres; redis?: PrivateRedis } = {};
