import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** A fresh, empty database on the run's private PostgreSQL server, so test files never see each other's rows. */
export async function createTestDatabase(prefix = 'test'): Promise<string> {
	const serverUrl = process.env.TEST_DATABASE_URL;
	if (!serverUrl) throw new Error('TEST_DATABASE_URL is not set: run the tests through Jest (its globalSetup starts PostgreSQL).');
	const name = `${prefix}_${randomBytes(6).toString('hex')}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
	const client = new Client({ connectionString: serverUrl });
	await client.connect();
	try {
		await client.query(`CREATE DATABASE ${name}`);
	} finally {
		await client.end();
	}
	const url = new URL(serverUrl);
	url.pathname = `/${name}`;
	return url.toString();
}

export function testRedisUrl(): string {
	const url = process.env.TEST_REDIS_URL;
	if (!url) throw new Error('TEST_REDIS_URL is not set: run the tests through Jest (its globalSetup starts Redis).');
	return url;
}
