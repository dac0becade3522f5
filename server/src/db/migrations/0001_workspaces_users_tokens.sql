-- Tenancy and people: workspaces, attendants (admin / agent), their sessions, and API tokens for n8n.
-- Every table that holds workspace data carries workspace_id, and its indexes start with it.

CREATE TABLE IF NOT EXISTS workspaces (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	name text NOT NULL,
	slug text NOT NULL UNIQUE,
	-- Workspace-wide preferences (locale, business hours…); shape owned by the feature that reads it.
	settings jsonb NOT NULL DEFAULT '{}'::jsonb,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS users (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
	email text NOT NULL,
	name text NOT NULL,
	role text NOT NULL DEFAULT 'agent' CHECK (role IN ('admin', 'agent')),
	-- scrypt/argon2 hash in PHC string form; NULL when the attendant signs in through Supabase Auth only.
	password_hash text,
	-- Supabase Auth user (auth.users.id) when the server runs on Supabase; used by the RLS policies.
	auth_user_id uuid,
	locale text NOT NULL DEFAULT 'pt-BR',
	is_active boolean NOT NULL DEFAULT true,
	last_seen_at timestamptz,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now()
);
-- Sign-in looks an attendant up by e-mail before any workspace is known, so the address is unique server-wide.
CREATE UNIQUE INDEX IF NOT EXISTS users_email_key ON users (lower(email));
CREATE INDEX IF NOT EXISTS users_workspace_role_idx ON users (workspace_id, role);
CREATE UNIQUE INDEX IF NOT EXISTS users_auth_user_key ON users (auth_user_id) WHERE auth_user_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS user_sessions (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
	user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	-- sha256 of the session token; the token itself is never stored.
	token_hash text NOT NULL UNIQUE,
	user_agent text,
	ip text,
	expires_at timestamptz NOT NULL,
	revoked_at timestamptz,
	last_used_at timestamptz,
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS user_sessions_workspace_user_idx ON user_sessions (workspace_id, user_id);

CREATE TABLE IF NOT EXISTS api_tokens (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
	name text NOT NULL,
	-- First characters of the token, shown in the UI so people can tell tokens apart.
	token_prefix text NOT NULL,
	-- sha256 of the whole token; looked up on every n8n request.
	token_hash text NOT NULL UNIQUE,
	scopes text[] NOT NULL DEFAULT ARRAY[]::text[],
	created_by_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
	last_used_at timestamptz,
	expires_at timestamptz,
	revoked_at timestamptz,
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS api_tokens_workspace_idx ON api_tokens (workspace_id, created_at DESC);
