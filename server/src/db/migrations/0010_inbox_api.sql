-- The attendance inbox: stable sort keys for keyset pagination, the indexes its list tabs and threads read, and the
-- attendants' notification bell.

-- When a conversation last moved: its last message, or its creation while it has none. Generated, so every writer
-- (ingest, outbox, history sync) keeps it right without knowing about it.
ALTER TABLE whatsapp_conversations
	ADD COLUMN IF NOT EXISTS last_activity_at timestamptz GENERATED ALWAYS AS (coalesce(last_message_at, created_at)) STORED;

-- One index per tab shape: (status filter or not) × (assignee filter or not), each ending in the keyset (sort, id).
CREATE INDEX IF NOT EXISTS whatsapp_conversations_tab_status_idx
	ON whatsapp_conversations (workspace_id, status, last_activity_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS whatsapp_conversations_tab_assignee_status_idx
	ON whatsapp_conversations (workspace_id, assigned_user_id, status, last_activity_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS whatsapp_conversations_tab_all_idx
	ON whatsapp_conversations (workspace_id, last_activity_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS whatsapp_conversations_tab_assignee_idx
	ON whatsapp_conversations (workspace_id, assigned_user_id, last_activity_at DESC, id DESC);

-- Where a message sits in its thread: WhatsApp's own time when known (history imports arrive late), else when stored.
ALTER TABLE whatsapp_messages
	ADD COLUMN IF NOT EXISTS thread_at timestamptz GENERATED ALWAYS AS (coalesce(wa_timestamp, created_at)) STORED;
CREATE INDEX IF NOT EXISTS whatsapp_messages_thread_keyset_idx
	ON whatsapp_messages (workspace_id, conversation_id, thread_at DESC, id DESC);

CREATE INDEX IF NOT EXISTS leads_workspace_created_idx ON leads (workspace_id, created_at DESC, id DESC);

-- The bell: what an attendant has not looked at yet (a conversation assigned to them, a new message in one).
CREATE TABLE IF NOT EXISTS inbox_notifications (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
	user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	conversation_id uuid REFERENCES whatsapp_conversations(id) ON DELETE CASCADE,
	kind text NOT NULL CHECK (kind IN ('conversation_assigned', 'message_received')),
	title text NOT NULL,
	body text,
	read_at timestamptz,
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS inbox_notifications_user_idx ON inbox_notifications (workspace_id, user_id, created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS inbox_notifications_unread_idx ON inbox_notifications (workspace_id, user_id) WHERE read_at IS NULL;

-- Supabase only (guarded as in 0006): the same workspace-membership policy on the new table.
DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'auth')
		AND EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'auth' AND p.proname = 'uid') THEN
		ALTER TABLE inbox_notifications ENABLE ROW LEVEL SECURITY;
		DROP POLICY IF EXISTS workspace_members ON inbox_notifications;
		CREATE POLICY workspace_members ON inbox_notifications FOR ALL
			USING (workspace_id IN (SELECT u.workspace_id FROM users u WHERE u.auth_user_id = auth.uid()));
	END IF;
END
$$;
