-- The chat state: one conversation per (channel, contact), its messages, reactions, and updates that arrived
-- before the message they refer to.

CREATE TABLE IF NOT EXISTS whatsapp_conversations (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
	channel_id uuid NOT NULL REFERENCES whatsapp_channels(id) ON DELETE CASCADE,
	contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
	lead_id uuid REFERENCES leads(id) ON DELETE SET NULL,
	-- Where replies go: the phone-number JID when known (or the group JID), and the @lid twin.
	chat_jid text NOT NULL,
	chat_lid text,
	is_group boolean NOT NULL DEFAULT false,
	assigned_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
	status text NOT NULL DEFAULT 'pending' CHECK (status IN ('open', 'pending', 'resolved', 'snoozed')),
	snoozed_until timestamptz,
	resolved_at timestamptz,
	-- Bot session state, kept apart from the human workflow status.
	ai_state text NOT NULL DEFAULT 'off' CHECK (ai_state IN ('off', 'active', 'paused', 'handed_off')),
	ai_state_changed_at timestamptz,
	unread_count integer NOT NULL DEFAULT 0,
	last_message_at timestamptz,
	last_message_preview text,
	last_message_direction text CHECK (last_message_direction IN ('inbound', 'outbound', 'internal')),
	last_inbound_at timestamptz,
	agent_last_seen_at timestamptz,
	-- Last presence.update seen for the contact (composing / recording / available / unavailable).
	contact_presence text,
	contact_presence_at timestamptz,
	tags text[] NOT NULL DEFAULT ARRAY[]::text[],
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS whatsapp_conversations_contact_key ON whatsapp_conversations (workspace_id, channel_id, contact_id);
CREATE INDEX IF NOT EXISTS whatsapp_conversations_list_idx ON whatsapp_conversations (workspace_id, status, last_message_at DESC);
CREATE INDEX IF NOT EXISTS whatsapp_conversations_assignee_idx ON whatsapp_conversations (workspace_id, assigned_user_id, status, last_message_at DESC);
CREATE INDEX IF NOT EXISTS whatsapp_conversations_chat_idx ON whatsapp_conversations (workspace_id, channel_id, chat_jid);
CREATE INDEX IF NOT EXISTS whatsapp_conversations_lead_idx ON whatsapp_conversations (workspace_id, lead_id);

-- Order of delivery states; acks only ever move a message to a higher rank. 'failed' sits below the WhatsApp acks
-- so a late SERVER_ACK still wins over a send we had given up on.
CREATE OR REPLACE FUNCTION whatsapp_message_status_rank(status text) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE status
		WHEN 'queued' THEN 0
		WHEN 'sent' THEN 1
		WHEN 'failed' THEN 2
		WHEN 'server_ack' THEN 3
		WHEN 'delivered' THEN 4
		WHEN 'read' THEN 5
		WHEN 'played' THEN 6
		ELSE -1
	END
$$;

CREATE TABLE IF NOT EXISTS whatsapp_messages (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
	channel_id uuid NOT NULL REFERENCES whatsapp_channels(id) ON DELETE CASCADE,
	conversation_id uuid NOT NULL REFERENCES whatsapp_conversations(id) ON DELETE CASCADE,
	-- WhatsApp's message id (key.id); NULL for notes, system lines and outbound messages not sent yet.
	wa_message_id text,
	-- Id chosen by whoever queued an outbound message (echo id / n8n idempotency key).
	client_message_id text,
	direction text NOT NULL CHECK (direction IN ('inbound', 'outbound', 'internal')),
	from_me boolean NOT NULL DEFAULT false,
	type text NOT NULL CHECK (type IN ('text', 'image', 'video', 'audio', 'document', 'sticker', 'reaction', 'location',
		'contact', 'poll', 'note', 'system', 'unknown')),
	body text,
	-- Media reference: where to fetch it (provider URL or our storage key) and what it is.
	media_url text,
	media_storage_key text,
	media_mime_type text,
	media_file_name text,
	media_size_bytes bigint,
	media_duration_seconds integer,
	-- Type-specific details: voice-note flag, image size, location, vCards, poll options, ad referral…
	details jsonb,
	quoted_wa_message_id text,
	reaction_target_wa_message_id text,
	-- Group messages: who wrote it.
	sender_jid text,
	sender_name text,
	status text NOT NULL CHECK (status IN ('queued', 'sent', 'server_ack', 'delivered', 'read', 'played', 'failed')),
	attempts integer NOT NULL DEFAULT 0,
	error text,
	sent_by_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
	is_edited boolean NOT NULL DEFAULT false,
	edited_at timestamptz,
	is_deleted boolean NOT NULL DEFAULT false,
	deleted_at timestamptz,
	-- When WhatsApp says the message was sent (messageTimestamp); created_at is when we stored it.
	wa_timestamp timestamptz,
	sent_at timestamptz,
	delivered_at timestamptz,
	read_at timestamptz,
	played_at timestamptz,
	failed_at timestamptz,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now()
);
-- The idempotency key of ingest: a delivery seen twice hits this and changes nothing.
CREATE UNIQUE INDEX IF NOT EXISTS whatsapp_messages_wa_id_key ON whatsapp_messages (workspace_id, channel_id, wa_message_id) WHERE wa_message_id IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS whatsapp_messages_client_id_key ON whatsapp_messages (workspace_id, client_message_id) WHERE client_message_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS whatsapp_messages_thread_idx ON whatsapp_messages (workspace_id, conversation_id, created_at DESC);
CREATE INDEX IF NOT EXISTS whatsapp_messages_status_idx ON whatsapp_messages (workspace_id, channel_id, status) WHERE status IN ('queued', 'sent', 'failed');

-- Current reaction of each person on a message; keyed by the target's WhatsApp id, so a reaction that arrives
-- before its target still attaches once the target is stored.
CREATE TABLE IF NOT EXISTS whatsapp_message_reactions (
	workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
	channel_id uuid NOT NULL REFERENCES whatsapp_channels(id) ON DELETE CASCADE,
	target_wa_message_id text NOT NULL,
	reactor_jid text NOT NULL,
	emoji text NOT NULL,
	from_me boolean NOT NULL DEFAULT false,
	reaction_wa_message_id text,
	reacted_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (workspace_id, channel_id, target_wa_message_id, reactor_jid)
);

-- Acks, edits and deletes for a message we have not stored yet (webhooks are not ordered); applied and removed
-- when the message arrives.
CREATE TABLE IF NOT EXISTS whatsapp_pending_message_updates (
	workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
	channel_id uuid NOT NULL REFERENCES whatsapp_channels(id) ON DELETE CASCADE,
	wa_message_id text NOT NULL,
	status text CHECK (status IN ('queued', 'sent', 'server_ack', 'delivered', 'read', 'played', 'failed')),
	edited_body text,
	edited_at timestamptz,
	deleted_at timestamptz,
	received_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (workspace_id, channel_id, wa_message_id)
);
CREATE INDEX IF NOT EXISTS whatsapp_pending_message_updates_age_idx ON whatsapp_pending_message_updates (workspace_id, received_at);
