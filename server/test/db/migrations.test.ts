import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS_DIR, migrate } from '../../src/db/migrate';
import { createPgliteDb } from '../../src/db/pglite-db';
import { ADAPTERS } from '../support/ingest-database';

const TABLES = ['workspaces', 'users', 'user_sessions', 'api_tokens', 'whatsapp_channels', 'contacts', 'leads', 'whatsapp_conversations', 'whatsapp_messages',
	'whatsapp_message_reactions', 'whatsapp_pending_message_updates', 'whatsapp_logs', 'webhook_deliveries', 'media_files',
	'webhook_subscriptions', 'webhook_subscription_deliveries', 'webhook_subscription_attempts', 'canned_responses', 'reply_waits'];

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

describe.each(ADAPTERS)('migration 0012 on %s', (_name, open) => {
	it("folds duplicate unread 'new message' notifications into the newest, then keeps them unique", async () => {
		const db = await open();
		const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
		try {
			for (const file of readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql') && f < '0012')) copyFileSync(join(MIGRATIONS_DIR, file), join(dir, file));
			await migrate(db, dir);
			const one = async (sql: string, params: unknown[]) => (await db.query<{ id: string }>(`${sql} RETURNING id`, params)).rows[0].id;
			const ws = await one("INSERT INTO workspaces (name, slug) VALUES ('W', 'w-0012')", []);
			const user = await one("INSERT INTO users (workspace_id, email, name) VALUES ($1, 'a@0012.test', 'A')", [ws]);
			const channel = await one("INSERT INTO whatsapp_channels (workspace_id, name, instance_name, base_url, webhook_secret_hash) VALUES ($1, 'c', 'i', 'http://x', 'h')", [ws]);
			const contact = await one("INSERT INTO contacts (workspace_id, phone_e164) VALUES ($1, '+5511900000000')", [ws]);
			const conversation = await one('INSERT INTO whatsapp_conversations (workspace_id, channel_id, contact_id, chat_jid) VALUES ($1, $2, $3, $4)', [ws, channel, contact, '5511900000000@s.whatsapp.net']);
			const notify = (title: string, minutesAgo: number, read = false) =>
				db.query(
					`INSERT INTO inbox_notifications (workspace_id, user_id, conversation_id, kind, title, created_at, read_at)
					 VALUES ($1, $2, $3, 'message_received', $4, now() - make_interval(mins => $5), CASE WHEN $6 THEN now() END)`,
					[ws, user, conversation, title, minutesAgo, read],
				);
			await notify('read long ago', 60, true);
			await notify('older', 10);
			await notify('newer', 5);

			expect(await migrate(db)).toContain('0012_ingest_write_path.sql');
			const { rows } = await db.query<{ title: string }>('SELECT title FROM inbox_notifications ORDER BY created_at');
			expect(rows.map((r) => r.title)).toEqual(['read long ago', 'newer']);
			await expect(notify('a second unread', 1)).rejects.toThrow(/duplicate key/);
		} finally {
			rmSync(dir, { recursive: true, force: true });
			await db.close();
		}
	});
});

describe.each(ADAPTERS)('migration 0100 on %s', (_name, open) => {
	it("checks a message's workspace, channel and conversation with one key: a message cannot name another channel than its conversation's, and deleting a channel or a workspace still removes its messages", async () => {
		const db = await open();
		try {
			await migrate(db);
			const one = async (sql: string, params: unknown[]) => (await db.query<{ id: string }>(`${sql} RETURNING id`, params)).rows[0].id;
			const ws = await one("INSERT INTO workspaces (name, slug) VALUES ('W', 'w-0100')", []);
			const channel = async (name: string) =>
				one("INSERT INTO whatsapp_channels (workspace_id, name, instance_name, base_url, webhook_secret_hash) VALUES ($1, $2, $2, 'http://x', 'h')", [ws, name]);
			const [sales, support] = [await channel('sales'), await channel('support')];
			const contact = await one("INSERT INTO contacts (workspace_id, phone_e164) VALUES ($1, '+5511900000100')", [ws]);
			const conversation = async (channelId: string) =>
				one('INSERT INTO whatsapp_conversations (workspace_id, channel_id, contact_id, chat_jid) VALUES ($1, $2, $3, $4)', [ws, channelId, contact, '5511900000100@s.whatsapp.net']);
			const [onSales, onSupport] = [await conversation(sales), await conversation(support)];
			const message = (channelId: string, conversationId: string, workspaceId = ws) =>
				one("INSERT INTO whatsapp_messages (workspace_id, channel_id, conversation_id, direction, type, body, status) VALUES ($1, $2, $3, 'inbound', 'text', 'Oi', 'delivered')", [
					workspaceId,
					channelId,
					conversationId,
				]);
			await message(sales, onSales);
			await message(support, onSupport);
			// The support conversation's message filed under the sales channel, or under another workspace: refused.
			await expect(message(sales, onSupport)).rejects.toThrow(/whatsapp_messages_conversation_scope_fkey/);
			const other = await one("INSERT INTO workspaces (name, slug) VALUES ('O', 'o-0100')", []);
			await expect(message(sales, onSales, other)).rejects.toThrow(/whatsapp_messages_conversation_scope_fkey/);

			const count = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM whatsapp_messages WHERE workspace_id = $1', [ws])).rows[0].n;
			expect(await count()).toBe(2);
			await db.query('DELETE FROM whatsapp_channels WHERE id = $1', [sales]);
			expect(await count()).toBe(1);
			await db.query('DELETE FROM workspaces WHERE id = $1', [ws]);
			expect(await count()).toBe(0);
		} finally {
			await db.close();
		}
	});
});
