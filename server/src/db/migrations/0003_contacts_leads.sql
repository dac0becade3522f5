-- People we talk to (contacts) and the sales side of them (leads, with first-touch attribution).

CREATE TABLE IF NOT EXISTS contacts (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
	-- Canonical E.164 (Brazilian mobiles always with the ninth digit), the identity that survives JID changes.
	phone_e164 text,
	-- The phone-number JID WhatsApp uses (…@s.whatsapp.net, maybe without the ninth digit), or the group JID.
	wa_jid text,
	-- The privacy identity (…@lid) WhatsApp may address the same person by.
	lid text,
	is_group boolean NOT NULL DEFAULT false,
	name text,
	push_name text,
	avatar_url text,
	email text,
	tags text[] NOT NULL DEFAULT ARRAY[]::text[],
	attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now()
);
-- These unique keys are what makes concurrent first messages converge on one contact (INSERT … ON CONFLICT).
CREATE UNIQUE INDEX IF NOT EXISTS contacts_phone_key ON contacts (workspace_id, phone_e164) WHERE phone_e164 IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS contacts_lid_key ON contacts (workspace_id, lid) WHERE lid IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS contacts_group_key ON contacts (workspace_id, wa_jid) WHERE is_group;
CREATE INDEX IF NOT EXISTS contacts_workspace_jid_idx ON contacts (workspace_id, wa_jid);
CREATE INDEX IF NOT EXISTS contacts_workspace_name_idx ON contacts (workspace_id, lower(coalesce(name, push_name, '')));

CREATE TABLE IF NOT EXISTS leads (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
	-- NULL while a lead captured elsewhere (form, n8n) has not written on WhatsApp yet.
	contact_id uuid REFERENCES contacts(id) ON DELETE SET NULL,
	name text,
	phone_e164 text,
	email text,
	source text NOT NULL DEFAULT 'whatsapp' CHECK (source IN ('whatsapp', 'ctwa_ad', 'form', 'manual', 'n8n', 'import')),
	status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'contacted', 'qualified', 'won', 'lost')),
	score integer NOT NULL DEFAULT 0,
	-- Token put in a landing page's WhatsApp link ("vm_token:XXXX" in the first message) to tie the chat to the click.
	first_touch_token text,
	-- How the first WhatsApp message was tied to this lead: 'token', 'phone' or 'new'.
	match_method text CHECK (match_method IN ('token', 'phone', 'new')),
	matched_at timestamptz,
	first_message_at timestamptz,
	utm_source text,
	utm_medium text,
	utm_campaign text,
	utm_content text,
	utm_term text,
	-- Click-to-WhatsApp ad referral (contextInfo.externalAdReply).
	ctwa_clid text,
	ad_source_id text,
	ad_source_type text,
	ad_source_url text,
	ad_headline text,
	ad_body text,
	referral jsonb,
	owner_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
	attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now()
);
-- One lead per contact: concurrent first messages converge on it.
CREATE UNIQUE INDEX IF NOT EXISTS leads_contact_key ON leads (workspace_id, contact_id) WHERE contact_id IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS leads_first_touch_token_key ON leads (workspace_id, first_touch_token) WHERE first_touch_token IS NOT NULL;
CREATE INDEX IF NOT EXISTS leads_workspace_phone_idx ON leads (workspace_id, phone_e164);
CREATE INDEX IF NOT EXISTS leads_workspace_status_idx ON leads (workspace_id, status, created_at DESC);
