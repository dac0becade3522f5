-- A WhatsApp number connected through a provider (Evolution API or WAHA) instance.

CREATE TABLE IF NOT EXISTS whatsapp_channels (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
	name text NOT NULL,
	provider text NOT NULL DEFAULT 'evolution' CHECK (provider IN ('evolution', 'waha')),
	instance_name text NOT NULL,
	-- The provider's own id for the instance (Evolution instanceId), when known.
	provider_instance_id text,
	base_url text NOT NULL,
	-- Instance API key, AES-256-GCM with the runtime's integrations key ("v1:<iv>:<tag>:<ciphertext>", base64 parts).
	api_key_encrypted text,
	status text NOT NULL DEFAULT 'created' CHECK (status IN ('created', 'connecting', 'qr', 'open', 'close', 'refused')),
	status_reason integer,
	-- The QR currently offered for pairing (raw code and PNG data URL) and when it last changed.
	qr_code text,
	qr_image text,
	pairing_code text,
	qr_count integer NOT NULL DEFAULT 0,
	qr_updated_at timestamptz,
	-- The connected account.
	phone_e164 text,
	wa_jid text,
	profile_name text,
	profile_picture_url text,
	connected_at timestamptz,
	disconnected_at timestamptz,
	last_event_at timestamptz,
	-- Webhooks from the provider carry this secret in the x-webhook-secret header. We keep its sha256 to verify each
	-- delivery without decrypting, and the encrypted secret to register the webhook again on the provider.
	webhook_secret_hash text NOT NULL,
	webhook_secret_encrypted text,
	-- Channel preferences (groups on/off, read receipts, pacing…); shape owned by the feature that reads it.
	settings jsonb NOT NULL DEFAULT '{}'::jsonb,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS whatsapp_channels_instance_key ON whatsapp_channels (workspace_id, provider, instance_name);
CREATE INDEX IF NOT EXISTS whatsapp_channels_workspace_status_idx ON whatsapp_channels (workspace_id, status);
