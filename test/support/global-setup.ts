/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/require-node-api-error, no-console */
import { startPrivatePostgres } from '../../server/src/infra/private-postgres';
import { startPrivateRedis } from '../../server/src/infra/private-redis';
import { privateServices } from './private-services';

/**
 * One private PostgreSQL 15 and one private Redis for the whole Jest run, started from the machine's binaries on
 * free loopback ports (never the machine's own 5432/6379). Test files make their own databases on this server
 * and their own Redis key prefixes. The URLs reach the test workers through the environment.
 */
export default async function globalSetup(): Promise<void> {
	const [postgres, redis] = await Promise.all([startPrivatePostgres(), startPrivateRedis()]);
	privateServices.postgres = postgres;
	privateServices.redis = redis;
	process.env.TEST_DATABASE_URL = postgres.url;
	process.env.TEST_REDIS_URL = redis.url;
}
