import { migrate } from '../../src/db/migrate';
import { createPgliteDb } from '../../src/db/pglite-db';
import { ADAPTERS } from '../support/ingest-database';

const TABLES = ['workspaces', 'users', 'user_sessions', 'api_tokens', 'whatsapp_channels', 'contacts', 'leads', 'whatsapp_conversations', 'whatsapp_messages',
	'whatsapp_message_reactions', 'whatsapp_pending_message_updates', 'whatsapp_logs', 'webhook_deliveries'];

describe.each(ADAPTERS)('migrations on %s', (_name, open) => {
	it('create every table once; workspace tables carry workspace_id and their indexes start with it', async () => {
		const db = await open();
		try {
			expect((await migrate(db)).length).toBeGreaterThan(0);
			expect(await migrate(db)).toEqual([]);
			const { rows } = await db.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
			expect(rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(TABLES));
			const indexes = await db.query<{ tablename: string; indexname: string; indexdef: string }>(
				"SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY($1) AND indexname NOT LIKE '%_pkey' AND indexname <> 'users_email_key' AND indexname <> 'users_auth_user_key' AND indexname NOT LIKE '%token_hash_key'",
				[TABLES.filter((t) => t !== 'workspaces')],
			);
			for (const index of indexes.rows) {
				// Trigram (GIN) search indexes cannot lead with a uuid column without btree_gin; the search query that uses
				// them filters by workspace_id through the btree indexes as well.
				if (/USING gin \(.*gin_trgm_ops\)/.test(index.indexdef)) continue;
				expect({ index: index.indexname, def: index.indexdef }).toEqual({ index: index.indexname, def: expect.stringMatching(/\(workspace_id[,)]/) });
			}
		} finally {
			await db.close();
		}
	});
});

describe('Supabase-only statements', () => {
	it('turn on RLS and the realtime publication when the auth schema and supabase_realtime exist', async () => {
		const db = await createPgliteDb();
		try {
			await db.exec("CREATE SCHEMA auth; CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql AS 'SELECT NULL::uuid'; CREATE PUBLICATION supabase_realtime;");
			await migrate(db);
			const policies = await db.query<{ tablename: string }>("SELECT tablename FROM pg_policies WHERE policyname = 'workspace_members'");
			expect(policies.rows.map((r) => r.tablename)).toEqual(expect.arrayContaining(['whatsapp_messages', 'contacts', 'leads']));
			const published = await db.query<{ tablename: string }>("SELECT tablename FROM pg_publication_tables WHERE pubname = 'supabase_realtime'");
			expect(published.rows.map((r) => r.tablename).sort()).toEqual(['whatsapp_conversations', 'whatsapp_message_reactions', 'whatsapp_messages']);
		} finally {
			await db.close();
		}
	});
});
