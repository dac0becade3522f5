/**
 * The real server (buildApp, serving the built web app at `/`) on a fresh database and the run's Redis, with the
 * Evolution sandbox standing in for WhatsApp: what a person gets from `npm start`.
 */
import type { Db } from '../../../server/src/db/db';
import { ADAPTERS, openMigratedDb, startInboxApp, type InboxApp } from '../../../server/test/inbox/support/inbox-app';
import { API_KEY, SandboxClient } from '../../../server/test/sandbox/support/sandbox-client';

export interface Stack {
	server: InboxApp;
	sandbox: SandboxClient;
	db: Db;
	close(): Promise<void>;
}

export { ADAPTERS };

export async function startStack(open: () => Promise<Db>, env: Record<string, string> = {}): Promise<Stack> {
	const sandbox = await SandboxClient.start({ qrRefreshMs: 2_000, qrLimit: 1000 });
	const db = await openMigratedDb(open);
	const server = await startInboxApp(db, { env, evolution: { baseUrl: sandbox.url, apiKey: API_KEY } });
	return {
		server,
		sandbox,
		db,
		close: async () => {
			await server.close();
			await sandbox.close();
			await db.close();
		},
	};
}
