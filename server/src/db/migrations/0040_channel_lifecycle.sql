-- One explicit state machine for a channel (server/src/channels/channel-status.ts):
--   created → connecting → connected → disconnected / logged_out / expired / error
-- replacing Evolution's raw connection words (qr, open, close, refused), plus what the lifecycle needs: why the
-- channel is in its state, the provider's clock (events arrive out of order), the QR window, the health monitor's
-- count, the instance token and a webhook taken over from another receiver (both sealed like the API key).

ALTER TABLE whatsapp_channels DROP CONSTRAINT IF EXISTS whatsapp_channels_status_check;

-- The old integer status_reason was the provider's code (Boom status); it keeps its values under a clearer name and
-- status_reason becomes the machine-readable why (logged_out, connection_lost, qr_expired, reconnect_failed…).
ALTER TABLE whatsapp_channels RENAME COLUMN status_reason TO status_code;
ALTER TABLE whatsapp_channels
	ADD COLUMN IF NOT EXISTS status_reason text,
	ADD COLUMN IF NOT EXISTS status_detail text,
	ADD COLUMN IF NOT EXISTS status_changed_at timestamptz,
	-- Provider event times (Evolution's date_time, its own clock): the newest applied, the last open, the last logout.
	ADD COLUMN IF NOT EXISTS provider_event_at timestamptz,
	ADD COLUMN IF NOT EXISTS provider_open_at timestamptz,
	ADD COLUMN IF NOT EXISTS provider_logout_at timestamptz,
	-- The pairing window: QRs are refreshed until qr_expires_at, then the channel is expired.
	ADD COLUMN IF NOT EXISTS qr_started_at timestamptz,
	ADD COLUMN IF NOT EXISTS qr_expires_at timestamptz,
	ADD COLUMN IF NOT EXISTS pairing_phone text,
	-- Health monitor: consecutive failed connectionState checks and the last check.
	ADD COLUMN IF NOT EXISTS health_failures integer NOT NULL DEFAULT 0,
	ADD COLUMN IF NOT EXISTS health_checked_at timestamptz,
	-- The instance token Evolution returned on create (its per-instance apikey), AES-256-GCM like api_key_encrypted.
	ADD COLUMN IF NOT EXISTS instance_token_encrypted text,
	-- true when the server created the Evolution instance (removing the channel deletes it unless asked to detach).
	ADD COLUMN IF NOT EXISTS instance_owned boolean NOT NULL DEFAULT false,
	-- The instance's webhook configuration before a take-over, sealed (its headers may hold another receiver's secret);
	-- restored when the channel is removed.
	ADD COLUMN IF NOT EXISTS previous_webhook_encrypted text;

UPDATE whatsapp_channels SET
	status = CASE status
		WHEN 'qr' THEN 'connecting'
		WHEN 'open' THEN 'connected'
		WHEN 'close' THEN CASE WHEN status_code = 401 THEN 'logged_out' ELSE 'disconnected' END
		WHEN 'refused' THEN 'expired'
		ELSE status END,
	status_reason = CASE status
		WHEN 'close' THEN CASE WHEN status_code = 401 THEN 'logged_out' ELSE 'connection_lost' END
		WHEN 'refused' THEN 'qr_limit'
		ELSE NULL END,
	status_changed_at = coalesce(last_event_at, updated_at);

ALTER TABLE whatsapp_channels ADD CONSTRAINT whatsapp_channels_status_check
	CHECK (status IN ('created', 'connecting', 'connected', 'disconnected', 'logged_out', 'expired', 'error'));

-- Every lifecycle step and state change of a channel, newest last; read back paged (GET /api/v1/channels/:id/log).
CREATE TABLE IF NOT EXISTS channel_log (
	id bigserial PRIMARY KEY,
	workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
	channel_id uuid NOT NULL REFERENCES whatsapp_channels(id) ON DELETE CASCADE,
	-- state: a state change; step: something the server did (create, connect, restart…); alert: the monitor's warning;
	-- error: a step that failed.
	kind text NOT NULL CHECK (kind IN ('state', 'step', 'alert', 'error')),
	status text,
	reason text,
	message text NOT NULL,
	details jsonb,
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS channel_log_channel_idx ON channel_log (channel_id, id DESC);
CREATE INDEX IF NOT EXISTS channel_log_workspace_idx ON channel_log (workspace_id);

-- Supabase only (a no-op elsewhere): the log is readable by the workspace's members, like the channel itself.
DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'auth')
		AND EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'auth' AND p.proname = 'uid') THEN
		ALTER TABLE channel_log ENABLE ROW LEVEL SECURITY;
		DROP POLICY IF EXISTS workspace_members ON channel_log;
		CREATE POLICY workspace_members ON channel_log FOR ALL
			USING (workspace_id IN (SELECT u.workspace_id FROM users u WHERE u.auth_user_id = auth.uid()));
	END IF;
END
$$;
