import { startPrivatePostgres } from '../../server/src/infra/private-postgres';
import { startPrivateRedis } from '../../server/src/infra/private-redis';
import { warmN8nCacheInBackground } from '../e2e/support/n8n-install';
import { privateServices } from './private-services';

/**
 * One private PostgreSQL 15 and one private Redis for the whole Jest run, started from the machine's binaries on
 * free loopback ports (never the machine's own 5432/6379). Test files make their own databases on this server
 * and their own Redis key prefixes. The URLs reach the test workers through the environment.
 */
export default async function globalSetup(): Promise<void> {
	// A cold n8n install takes minutes: start it now so it runs alongside the other suites (no-op when cached).
	warmN8nCacheInBackground();
	const [postgres, redis] = await Promise.all([startPrivatePostgres(), startPrivateRedis()]);
	privateServices.postgres = postgres;
	privateServices.redis = redis;
	process.env.TEST_DATABASE_URL = postgres.url;
	process.env.TEST_REDIS_URL = redis.url;
}
