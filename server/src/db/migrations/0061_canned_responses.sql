-- Canned responses: a workspace's ready answers, picked in the composer by typing "/" and their short code
-- ({{name}}-style variables are filled in by the page from the open conversation, never stored filled).

CREATE TABLE IF NOT EXISTS canned_responses (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
	-- What follows "/" in the composer: lower-case letters, digits, "-" and "_".
	short_code text NOT NULL CHECK (short_code ~ '^[a-z0-9_-]{1,40}$'),
	content text NOT NULL CHECK (length(content) BETWEEN 1 AND 4096),
	created_by_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now()
);
-- One short code per workspace; also the list's order.
CREATE UNIQUE INDEX IF NOT EXISTS canned_responses_short_code_key ON canned_responses (workspace_id, short_code);

-- Supabase only (a no-op elsewhere): direct client access sees nothing of other workspaces.
DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'auth')
		AND EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'auth' AND p.proname = 'uid') THEN
		ALTER TABLE canned_responses ENABLE ROW LEVEL SECURITY;
	END IF;
END
$$;
