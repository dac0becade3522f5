-- Reply waits (server/src/reply-waits/): an n8n execution paused by the WhatsApp Inbox node's "Send and Wait for
-- Reply", waiting for the contact's next message in one conversation. The server POSTs that reply (or a timeout) to
-- the execution's resume URL once, from a BullMQ job; while a wait is open the AI auto-reply leaves the reply alone.

CREATE TABLE IF NOT EXISTS reply_waits (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
	conversation_id uuid NOT NULL REFERENCES whatsapp_conversations(id) ON DELETE CASCADE,
	-- n8n's resume URL resumes the execution for whoever knows it: AES-256-GCM with the integrations key, never answered.
	resume_url_encrypted text NOT NULL,
	-- The numbered choices the node offered ([{key, label}]); empty = free text.
	choices jsonb NOT NULL DEFAULT '[]'::jsonb,
	-- The message the node sent (informative) and the caller's idempotency key.
	message_id uuid,
	client_id text,
	-- open → answered | timed_out | cancelled
	status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'timed_out', 'cancelled')),
	expires_at timestamptz NOT NULL,
	reply_message_id uuid,
	-- What is POSTed to the resume URL, written when the wait closes (the job re-sends it as is on a retry).
	resume_payload jsonb,
	-- pending (to POST) → delivered | failed (attempts used up)
	resume_status text CHECK (resume_status IN ('pending', 'delivered', 'failed')),
	resume_attempts integer NOT NULL DEFAULT 0,
	resume_error text,
	created_by_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	closed_at timestamptz,
	resumed_at timestamptz
);
-- The open waits of a conversation, read on every customer message.
CREATE INDEX IF NOT EXISTS reply_waits_open_idx ON reply_waits (workspace_id, conversation_id) WHERE status = 'open';
-- The wait a message answered (the AI auto-reply leaves such messages out).
CREATE INDEX IF NOT EXISTS reply_waits_reply_idx ON reply_waits (workspace_id, reply_message_id) WHERE reply_message_id IS NOT NULL;
-- A retried POST with the same clientId finds the wait it made.
CREATE UNIQUE INDEX IF NOT EXISTS reply_waits_client_key ON reply_waits (workspace_id, client_id) WHERE client_id IS NOT NULL;

DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'auth')
		AND EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'auth' AND p.proname = 'uid') THEN
		ALTER TABLE reply_waits ENABLE ROW LEVEL SECURITY;
	END IF;
END
$$;
