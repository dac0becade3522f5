-- Messages deleted for everyone, continued (#9, #10): 0017 clears the message row's content; the same content also
-- sits in the media store (the captured image, voice note, document) and in the webhook audit copy
-- (webhook_deliveries.payload, kept 14 days for debugging). Unless the workspace retains deleted messages, both are
-- forgotten too. The trigger does what must happen at once, in the deleting transaction: the inbound file's row goes
-- (so GET /api/v1/media/:id answers 404 from that moment) and a purge is queued. The bytes and the audit copies are
-- removed in the background by server/src/messages/deleted-content-purge.ts: the audit search scans a channel's
-- deliveries, which must never slow ingest's write path.
CREATE TABLE IF NOT EXISTS deleted_content_purges (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
	channel_id uuid,
	message_id uuid,
	-- The WhatsApp id the audit copies are searched for (NULL: a message that never had one, nothing to search).
	wa_message_id text,
	-- Keys of the files to remove from the media store.
	media_keys text[] NOT NULL DEFAULT '{}',
	queued_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS deleted_content_purges_queue_idx ON deleted_content_purges (workspace_id, id);

CREATE OR REPLACE FUNCTION whatsapp_messages_purge_deleted_content() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF coalesce((SELECT w.retain_deleted_messages FROM workspaces w WHERE w.id = NEW.workspace_id), false) THEN
		RETURN NULL;
	END IF;
	-- Inbound captures only: an uploaded file may be the media of other sends too (a campaign), so it stays.
	WITH gone AS (
		DELETE FROM media_files f
		WHERE f.workspace_id = NEW.workspace_id AND f.origin = 'inbound'
			AND (f.message_id = NEW.id OR (TG_OP = 'UPDATE' AND f.id = OLD.media_id))
		RETURNING coalesce(f.storage_key, f.workspace_id::text || '/' || f.id::text) AS key
	)
	INSERT INTO deleted_content_purges (workspace_id, channel_id, message_id, wa_message_id, media_keys)
	SELECT NEW.workspace_id, NEW.channel_id, NEW.id, NEW.wa_message_id, coalesce(array_agg(key), '{}') FROM gone;
	RETURN NULL;
END
$$;

-- A message stored already deleted (the delete came first): its upsert's audit copy holds the content.
DROP TRIGGER IF EXISTS whatsapp_messages_purge_deleted_on_insert ON whatsapp_messages;
CREATE TRIGGER whatsapp_messages_purge_deleted_on_insert AFTER INSERT ON whatsapp_messages
	FOR EACH ROW WHEN (NEW.is_deleted) EXECUTE FUNCTION whatsapp_messages_purge_deleted_content();

-- A message becoming deleted, or a deleted one losing what retention had kept (retention turned off): not the later
-- acks and edits of a message already deleted and cleared.
DROP TRIGGER IF EXISTS whatsapp_messages_purge_deleted_on_update ON whatsapp_messages;
CREATE TRIGGER whatsapp_messages_purge_deleted_on_update AFTER UPDATE ON whatsapp_messages
	FOR EACH ROW WHEN (NEW.is_deleted AND (NOT OLD.is_deleted OR OLD.body IS NOT NULL OR OLD.media_id IS NOT NULL OR OLD.details IS NOT NULL))
	EXECUTE FUNCTION whatsapp_messages_purge_deleted_content();

DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'auth')
		AND EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'auth' AND p.proname = 'uid') THEN
		ALTER TABLE deleted_content_purges ENABLE ROW LEVEL SECURITY;
	END IF;
END
$$;
