-- The AI auto-reply (server/src/ai): agents (settings a channel points at), the conversation's AI state beside its
-- workflow status, replies marked as the AI's, and a record of every model call (cost and outcome).

CREATE TABLE IF NOT EXISTS ai_agents (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
	name text NOT NULL,
	enabled boolean NOT NULL DEFAULT true,
	-- OpenAI or any OpenAI-compatible endpoint (a local model, OpenRouter, Azure); NULL = OpenAI's own.
	base_url text,
	-- AES-256-GCM with the integrations key, like channel keys; never returned by the API.
	api_key_encrypted text,
	model text NOT NULL,
	max_tokens integer NOT NULL DEFAULT 500,
	temperature real NOT NULL DEFAULT 0.7,
	-- Everything else (prompt, knowledge, trigger, ignore list, debounce, keywords, split/typing, business hours,
	-- idle resume, transcription, retries) as one validated document: the zod schema in ai/agent-settings.ts.
	settings jsonb NOT NULL DEFAULT '{}'::jsonb,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS ai_agents_workspace_idx ON ai_agents (workspace_id, created_at);

-- The agent answering a channel's conversations (none: the AI never answers there).
ALTER TABLE whatsapp_channels ADD COLUMN IF NOT EXISTS ai_agent_id uuid REFERENCES ai_agents(id) ON DELETE SET NULL;

ALTER TABLE whatsapp_conversations
	-- Why the state is what it is (attendant_message, assigned, note, handed_off: <reason>, finished, idle_resume…).
	ADD COLUMN IF NOT EXISTS ai_state_reason text,
	-- The last thing an attendant did here (a send, an assignment, a note): the idle resume counts from it.
	ADD COLUMN IF NOT EXISTS ai_attendant_at timestamptz,
	-- When the newest customer message the AI has dealt with (answered, handed off, ignored) was stored: later ones are
	-- the next burst. Stored times, not WhatsApp's (whole seconds: two messages of one second would look handled).
	ADD COLUMN IF NOT EXISTS ai_handled_through timestamptz,
	-- The away message went out (once per conversation).
	ADD COLUMN IF NOT EXISTS ai_away_sent_at timestamptz;
-- The idle-resume sweep: paused or handed-off conversations only (few).
CREATE INDEX IF NOT EXISTS whatsapp_conversations_ai_held_idx
	ON whatsapp_conversations (workspace_id, ai_state_changed_at) WHERE ai_state IN ('paused', 'handed_off');

ALTER TABLE whatsapp_messages
	-- Queued by the AI (its replies, the away and hand-off messages): such sends never pause the AI.
	ADD COLUMN IF NOT EXISTS sent_by_ai boolean NOT NULL DEFAULT false,
	-- A voice note's transcript (the provider's transcription endpoint), shown by the inbox and given to the model.
	ADD COLUMN IF NOT EXISTS transcript text;

-- One row per model call: what it cost and how it ended.
CREATE TABLE IF NOT EXISTS ai_replies (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
	conversation_id uuid NOT NULL REFERENCES whatsapp_conversations(id) ON DELETE CASCADE,
	agent_id uuid REFERENCES ai_agents(id) ON DELETE SET NULL,
	-- The burst answered: when its newest customer message was stored (the claim: one reply per burst, whatever runs it).
	burst_through timestamptz NOT NULL,
	model text,
	tokens_in integer,
	tokens_out integer,
	latency_ms integer,
	-- replied | handed_off | error | away | finished
	outcome text NOT NULL,
	error text,
	attempt integer NOT NULL DEFAULT 1,
	-- The messages queued for it (the parts of a split reply).
	message_ids uuid[] NOT NULL DEFAULT ARRAY[]::uuid[],
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS ai_replies_conversation_idx ON ai_replies (workspace_id, conversation_id, created_at DESC);
-- At most one final outcome per burst: the second replica (or a stalled job run again) finds it and does nothing.
CREATE UNIQUE INDEX IF NOT EXISTS ai_replies_burst_key ON ai_replies (workspace_id, conversation_id, burst_through) WHERE outcome <> 'error';

-- Round robin of AI hand-offs among online attendants: who got one last.
ALTER TABLE users ADD COLUMN IF NOT EXISTS ai_handoff_at timestamptz;

-- The bell also rings for a hand-off by the AI.
ALTER TABLE inbox_notifications DROP CONSTRAINT IF EXISTS inbox_notifications_kind_check;
ALTER TABLE inbox_notifications ADD CONSTRAINT inbox_notifications_kind_check CHECK (kind IN ('conversation_assigned', 'message_received', 'ai_handed_off'));

-- Supabase only (guarded as in 0006): the workspace-membership policy on the new tables.
DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'auth')
		AND EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'auth' AND p.proname = 'uid') THEN
		ALTER TABLE ai_agents ENABLE ROW LEVEL SECURITY;
		DROP POLICY IF EXISTS workspace_members ON ai_agents;
		CREATE POLICY workspace_members ON ai_agents FOR ALL
			USING (workspace_id IN (SELECT u.workspace_id FROM users u WHERE u.auth_user_id = auth.uid()));
		ALTER TABLE ai_replies ENABLE ROW LEVEL SECURITY;
		DROP POLICY IF EXISTS workspace_members ON ai_replies;
		CREATE POLICY workspace_members ON ai_replies FOR ALL
			USING (workspace_id IN (SELECT u.workspace_id FROM users u WHERE u.auth_user_id = auth.uid()));
	END IF;
END
$$;
