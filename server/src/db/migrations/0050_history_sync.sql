-- History sync (server/src/sync/): importing a channel's past messages from Evolution (/chat/findChats, then paged
-- /chat/findMessages per chat) through the ingest write path, as history (not unread, no bell, no lead attribution).
-- A run keeps its progress and, per chat, where it stopped, so a run interrupted by a restart resumes there.

CREATE TABLE IF NOT EXISTS whatsapp_sync_runs (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
	channel_id uuid NOT NULL REFERENCES whatsapp_channels(id) ON DELETE CASCADE,
	-- queued → running → completed | cancelled | failed (cancel_requested stops a running one between pages)
	status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'cancelled', 'failed')),
	trigger text NOT NULL DEFAULT 'manual' CHECK (trigger IN ('manual', 'first_connect')),
	requested_by uuid REFERENCES users(id) ON DELETE SET NULL,
	days integer NOT NULL CHECK (days BETWEEN 1 AND 3650),
	-- The window: messages from window_start up to window_end (the run's creation: later messages arrive live).
	window_start timestamptz NOT NULL,
	window_end timestamptz NOT NULL,
	-- Only these chats (JIDs) when set; every chat Evolution lists otherwise.
	chat_filter text[],
	chats_total integer NOT NULL DEFAULT 0,
	chats_done integer NOT NULL DEFAULT 0,
	messages_imported integer NOT NULL DEFAULT 0,
	-- Messages read from Evolution (imported or already stored).
	messages_seen integer NOT NULL DEFAULT 0,
	errors integer NOT NULL DEFAULT 0,
	last_error text,
	cancel_requested boolean NOT NULL DEFAULT false,
	created_at timestamptz NOT NULL DEFAULT now(),
	started_at timestamptz,
	finished_at timestamptz,
	updated_at timestamptz NOT NULL DEFAULT now()
);

-- At most one run at a time per channel.
CREATE UNIQUE INDEX IF NOT EXISTS whatsapp_sync_runs_one_active ON whatsapp_sync_runs (channel_id) WHERE status IN ('queued', 'running');
CREATE INDEX IF NOT EXISTS whatsapp_sync_runs_channel_idx ON whatsapp_sync_runs (workspace_id, channel_id, created_at DESC);

-- Per chat of a run: its cursor (the next findMessages page) and what it imported.
CREATE TABLE IF NOT EXISTS whatsapp_sync_chats (
	run_id uuid NOT NULL REFERENCES whatsapp_sync_runs(id) ON DELETE CASCADE,
	workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
	remote_jid text NOT NULL,
	status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
	next_page integer NOT NULL DEFAULT 1,
	messages_imported integer NOT NULL DEFAULT 0,
	messages_seen integer NOT NULL DEFAULT 0,
	error text,
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (run_id, remote_jid)
);

-- The channel setting: start a sync by itself the first time the channel connects (days of history to import).
ALTER TABLE whatsapp_channels
	ADD COLUMN IF NOT EXISTS sync_on_first_connect boolean NOT NULL DEFAULT false,
	ADD COLUMN IF NOT EXISTS sync_on_first_connect_days integer NOT NULL DEFAULT 30 CHECK (sync_on_first_connect_days BETWEEN 1 AND 3650),
	-- Set once the first-connect sync was started: a later reconnect never starts another.
	ADD COLUMN IF NOT EXISTS first_sync_started_at timestamptz;

-- Supabase only (a no-op elsewhere): runs are readable by the workspace's members, like the channel itself.
DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'auth')
		AND EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'auth' AND p.proname = 'uid') THEN
		ALTER TABLE whatsapp_sync_runs ENABLE ROW LEVEL SECURITY;
		DROP POLICY IF EXISTS workspace_members ON whatsapp_sync_runs;
		CREATE POLICY workspace_members ON whatsapp_sync_runs FOR ALL
			USING (workspace_id IN (SELECT u.workspace_id FROM users u WHERE u.auth_user_id = auth.uid()));
		ALTER TABLE whatsapp_sync_chats ENABLE ROW LEVEL SECURITY;
		DROP POLICY IF EXISTS workspace_members ON whatsapp_sync_chats;
		CREATE POLICY workspace_members ON whatsapp_sync_chats FOR ALL
			USING (workspace_id IN (SELECT u.workspace_id FROM users u WHERE u.auth_user_id = auth.uid()));
	END IF;
END
$$;
