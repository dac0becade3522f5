import type { PrivatePostgres } from '../../server/src/infra/private-postgres';
import type { PrivateRedis } from '../../server/src/infra/private-redis';

/** Shared between globalSetup and globalTeardown, which Jest runs in the same process. */
export const privateServices: { postgres?: PrivatePostgres; redis?: PrivateRedis } = {};
