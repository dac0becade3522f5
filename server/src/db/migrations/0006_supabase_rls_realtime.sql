-- Supabase-only: row-level security by workspace membership and the Realtime publication. Each part is guarded so
-- the same file is a no-op on plain PostgreSQL and PGlite. The server itself connects with the service role (it
-- bypasses RLS) and scopes every query by workspace; these policies protect direct client access.

DO $$
DECLARE
	t text;
BEGIN
	IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'auth')
		AND EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'auth' AND p.proname = 'uid') THEN
		FOREACH t IN ARRAY ARRAY['users', 'user_sessions', 'api_tokens', 'whatsapp_channels', 'contacts', 'leads',
			'whatsapp_conversations', 'whatsapp_messages', 'whatsapp_message_reactions', 'whatsapp_pending_message_updates',
			'whatsapp_logs', 'webhook_deliveries'] LOOP
			EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
			EXECUTE format('DROP POLICY IF EXISTS workspace_members ON %I', t);
			EXECUTE format(
				'CREATE POLICY workspace_members ON %I FOR ALL USING (workspace_id IN (SELECT u.workspace_id FROM users u WHERE u.auth_user_id = auth.uid()))',
				t);
		END LOOP;
		ALTER TABLE workspaces ENABLE ROW LEVEL SECURITY;
		DROP POLICY IF EXISTS workspace_members ON workspaces;
		CREATE POLICY workspace_members ON workspaces FOR SELECT
			USING (id IN (SELECT u.workspace_id FROM users u WHERE u.auth_user_id = auth.uid()));
	END IF;

	IF EXISTS (SELECT 1 FROM pg_publication WHERE pubname = 'supabase_realtime') THEN
		FOREACH t IN ARRAY ARRAY['whatsapp_conversations', 'whatsapp_messages', 'whatsapp_message_reactions'] LOOP
			IF NOT EXISTS (SELECT 1 FROM pg_publication_tables WHERE pubname = 'supabase_realtime' AND schemaname = 'public' AND tablename = t) THEN
				EXECUTE format('ALTER PUBLICATION supabase_realtime ADD TABLE %I', t);
			END IF;
		END LOOP;
	END IF;
END
$$;
