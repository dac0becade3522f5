-- Messages deleted for everyone (#9): the sender took the message back (it may have held a CPF or a card number), so
-- by default its content is forgotten the moment the delete is stored: text, caption, media reference and details
-- (link preview, vCards, location…) are cleared and only the row stays, marked deleted, where it was in the thread.
-- A workspace whose admin must keep deleted content (legal retention) turns retain_deleted_messages on
-- (PATCH /api/v1/workspace/settings); turning it off again clears what was kept (workspace-settings.ts).
ALTER TABLE workspaces ADD COLUMN IF NOT EXISTS retain_deleted_messages boolean NOT NULL DEFAULT false;

-- A trigger rather than code in each writer: ingest's delete, a delete that arrived before its message (folded into
-- the insert), the sweep of waiting updates, an edit of a deleted message and any later writer all pass through it.
CREATE OR REPLACE FUNCTION whatsapp_messages_forget_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NOT coalesce((SELECT w.retain_deleted_messages FROM workspaces w WHERE w.id = NEW.workspace_id), false) THEN
		-- Every content column the row has: jsonb_populate_record ignores names that are not columns, so a content
		-- column added by a later migration (media_id, 0030) is cleared as soon as it exists.
		NEW := jsonb_populate_record(NEW, '{"body": null, "media_url": null, "media_storage_key": null, "media_id": null, "media_mime_type": null,
			"media_file_name": null, "media_size_bytes": null, "media_duration_seconds": null, "details": null}'::jsonb);
	END IF;
	RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS whatsapp_messages_forget_deleted ON whatsapp_messages;
-- Only rows that are (or become) deleted pay for it; live messages never run the function.
CREATE TRIGGER whatsapp_messages_forget_deleted BEFORE INSERT OR UPDATE ON whatsapp_messages
	FOR EACH ROW WHEN (NEW.is_deleted) EXECUTE FUNCTION whatsapp_messages_forget_deleted();
