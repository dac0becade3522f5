-- The media store (server/src/media/): one row per file the server keeps, inbound (captured from a webhook's base64
-- or fetched with Evolution's getBase64FromMediaMessage) or outbound (uploaded for a send). The bytes live in the
-- store (a folder under DATA_DIR, or Supabase Storage) under storage_key; the row says what they are and whether
-- they are there yet: pending → stored, or failed after the last attempt.

CREATE TABLE IF NOT EXISTS media_files (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
	-- The message the file belongs to (inbound capture, or the outbound message that sent an upload).
	message_id uuid REFERENCES whatsapp_messages(id) ON DELETE SET NULL,
	-- Inbound: the channel whose Evolution instance can still give the bytes.
	channel_id uuid REFERENCES whatsapp_channels(id) ON DELETE CASCADE,
	origin text NOT NULL CHECK (origin IN ('inbound', 'upload')),
	-- Hex SHA-256 of the bytes: WhatsApp's fileSha256 before capture (what the bytes must match), ours after.
	sha256 text,
	size_bytes bigint,
	content_type text NOT NULL DEFAULT 'application/octet-stream',
	file_name text,
	duration_seconds integer,
	storage_key text,
	status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'stored', 'failed')),
	attempts integer NOT NULL DEFAULT 0,
	error text,
	-- A pending capture is not handed to the background fetch before this (the webhook's own base64 goes first).
	next_attempt_at timestamptz NOT NULL DEFAULT now(),
	stored_at timestamptz,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now()
);
-- One capture per inbound message: the webhook path and the background fetch cannot both create one.
CREATE UNIQUE INDEX IF NOT EXISTS media_files_message_key ON media_files (workspace_id, message_id) WHERE origin = 'inbound' AND message_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS media_files_pending_idx ON media_files (workspace_id, next_attempt_at) WHERE status = 'pending';

-- The message's file in the store (NULL until a capture is tracked for it).
ALTER TABLE whatsapp_messages ADD COLUMN IF NOT EXISTS media_id uuid REFERENCES media_files(id) ON DELETE SET NULL;
-- Media messages no capture tracks yet: what the capture sweeper looks for.
CREATE INDEX IF NOT EXISTS whatsapp_messages_media_untracked_idx ON whatsapp_messages (workspace_id, created_at)
	WHERE media_id IS NULL AND type IN ('image', 'video', 'audio', 'document', 'sticker');

DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'auth')
		AND EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'auth' AND p.proname = 'uid') THEN
		ALTER TABLE media_files ENABLE ROW LEVEL SECURITY;
		DROP POLICY IF EXISTS workspace_members ON media_files;
		CREATE POLICY workspace_members ON media_files FOR ALL
			USING (workspace_id IN (SELECT u.workspace_id FROM users u WHERE u.auth_user_id = auth.uid()));
	END IF;
END
$$;
