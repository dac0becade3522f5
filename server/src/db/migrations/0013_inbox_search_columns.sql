-- Inbox search, normalised (inbox/conversations/conversation-search.ts): what a contact is searched by, kept by
-- PostgreSQL itself so every writer (ingest, profile updates, the API) keeps it right without knowing about it.
--   search_text   name and push name, lower-cased, one per line: a search matches inside one of them, never across
--                 the two, and the lower-casing is paid once per write instead of once per row per search.
--   phone_digits  the phone's digits only, so "98765", "+55 11 9876" and "(11) 98765-4321" find the number.
-- Contacts are written when someone new appears or changes name, not on every message, so these columns and their
-- indexes cost ingest next to nothing. Nothing is added to whatsapp_conversations, which every message updates.
ALTER TABLE contacts
	ADD COLUMN IF NOT EXISTS search_text text
		GENERATED ALWAYS AS (lower(coalesce(name, '') || E'\n' || coalesce(push_name, ''))) STORED,
	ADD COLUMN IF NOT EXISTS phone_digits text
		GENERATED ALWAYS AS (regexp_replace(phone_e164, '[^0-9]', '', 'g')) STORED;

-- Where pg_trgm exists (migration 0011 installs it where it can): trigram indexes on the two columns replace the one
-- on the concatenated expression. Without it (PGlite) the search scans, which is fine at embedded sizes.
DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
		DROP INDEX IF EXISTS contacts_search_trgm_idx;
		EXECUTE 'CREATE INDEX IF NOT EXISTS contacts_search_text_trgm_idx ON contacts USING gin (search_text gin_trgm_ops)';
		EXECUTE 'CREATE INDEX IF NOT EXISTS contacts_phone_digits_trgm_idx ON contacts USING gin (phone_digits gin_trgm_ops)';
	END IF;
END
$$;
