import { createPgDb } from '../../../src/db/pg-db';
import { createPgliteDb } from '../../../src/db/pglite-db';
import type { Db } from '../../../src/db/db';
import { createTestDatabase } from '../../../../test/support/test-database';
import { type HttpAnswer, type InboxApp, openMigratedDb, request, type SeededWorkspace, seedWorkspace, signIn, startInboxApp } from '../../inbox/support/inbox-app';
import { API_KEY, SandboxClient } from '../../sandbox/support/sandbox-client';

/** Both adapters: the hostile-input suites run on each. */
export const ADAPTERS: Array<[string, () => Promise<Db>]> = [
	['pglite', () => createPgliteDb()],
	['pg', async () => createPgDb(await createTestDatabase('hostile'))],
];

export interface HostileServer {
	server: InboxApp;
	sandbox: SandboxClient;
	db: Db;
	seeded: SeededWorkspace;
	/** Bearer header of the workspace's admin. */
	admin: string;
	/** POST a raw text (or a value, serialised) to the seeded channel's Evolution webhook, with its secret. */
	webhook(body: string | object): Promise<HttpAnswer>;
	/** A REST call as the admin; a string payload is sent as it is. */
	api(method: string, url: string, payload?: unknown): Promise<HttpAnswer>;
	/** GET /health: Postgres, Redis and Evolution (the sandbox) all up. */
	healthy(): Promise<boolean>;
	close(): Promise<void>;
}

/** The real server (buildApp) with the Evolution sandbox as its upstream, a seeded workspace and its admin signed in. */
export async function startHostileServer(open: () => Promise<Db>, options: { logLines?: string[] } = {}): Promise<HostileServer> {
	const sandbox = await SandboxClient.start();
	const db = await openMigratedDb(open);
	const server = await startInboxApp(db, { logLines: options.logLines, evolution: { baseUrl: sandbox.url, apiKey: API_KEY } });
	const seeded = await seedWorkspace(db, server.runtime.integrationsKey);
	const { authorization } = await signIn(server, seeded.admin.email);
	return {
		server,
		sandbox,
		db,
		seeded,
		admin: authorization,
		webhook: (body) =>
			request(server.url, 'POST', `/webhooks/evolution/${seeded.channelId}`, {
				payload: typeof body === 'string' ? body : JSON.stringify(body),
				headers: { 'content-type': 'application/json', 'x-webhook-secret': seeded.webhookSecret },
			}),
		api: (method, url, payload) => request(server.url, method, url, { authorization, payload }),
		healthy: async () => {
			const answer = await request(server.url, 'GET', '/health');
			return answer.statusCode === 200 && answer.json().status === 'ok';
		},
		close: async () => {
			await server.close();
			await db.close();
			await sandbox.close();
		},
	};
}

/** `depth` nested arrays around a value, as text: how an attacker writes a body no recursive walk survives. */
export function nestedText(depth: number, inner = '1'): string {
	return '['.repeat(depth) + inner + ']'.repeat(depth);
}
