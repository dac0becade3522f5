-- Inbox search (contact name, push name, phone, last message) by trigram indexes, where the pg_trgm extension can be
-- had: PostgreSQL with its contrib modules, Supabase. Without it (PGlite) the same queries scan, which is fine at
-- embedded sizes; the exception handler keeps a refused CREATE EXTENSION from failing the migration.
CREATE INDEX IF NOT EXISTS whatsapp_conversations_contact_idx ON whatsapp_conversations (workspace_id, contact_id);

DO $$
BEGIN
	BEGIN
		CREATE EXTENSION IF NOT EXISTS pg_trgm;
	EXCEPTION WHEN OTHERS THEN
		RAISE NOTICE 'pg_trgm is not available; inbox search will scan';
	END;
	IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
		-- The same expression the search query uses (inbox/conversations/conversation-search.ts).
		EXECUTE $sql$CREATE INDEX IF NOT EXISTS contacts_search_trgm_idx ON contacts
			USING gin ((coalesce(name, '') || ' ' || coalesce(push_name, '') || ' ' || coalesce(phone_e164, '')) gin_trgm_ops)$sql$;
		EXECUTE $sql$CREATE INDEX IF NOT EXISTS whatsapp_conversations_preview_trgm_idx ON whatsapp_conversations
			USING gin (last_message_preview gin_trgm_ops)$sql$;
	END IF;
END
$$;
