-- Observability tables: every upstream call we make, and every webhook delivery we receive (kept for a while).

CREATE TABLE IF NOT EXISTS whatsapp_logs (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
	channel_id uuid REFERENCES whatsapp_channels(id) ON DELETE CASCADE,
	-- What triggered the call (outbox send, history sync, QR refresh…) and the message it was about, if any.
	operation text NOT NULL,
	message_id uuid,
	method text NOT NULL,
	endpoint text NOT NULL,
	http_status integer,
	latency_ms integer,
	ok boolean NOT NULL,
	error text,
	-- Bodies with secrets and media blobs removed.
	request jsonb,
	response jsonb,
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS whatsapp_logs_channel_idx ON whatsapp_logs (workspace_id, channel_id, created_at DESC);
CREATE INDEX IF NOT EXISTS whatsapp_logs_time_idx ON whatsapp_logs (workspace_id, created_at DESC);

CREATE TABLE IF NOT EXISTS webhook_deliveries (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
	channel_id uuid REFERENCES whatsapp_channels(id) ON DELETE CASCADE,
	provider text NOT NULL,
	event text,
	-- processed: applied; duplicate: already seen, nothing changed; ignored: an event we do not use;
	-- rejected: invalid (4xx answered).
	outcome text NOT NULL CHECK (outcome IN ('processed', 'duplicate', 'ignored', 'rejected')),
	http_status integer NOT NULL,
	reason text,
	-- sha256 of the raw body, to spot a provider's retries of the same delivery.
	body_sha256 text,
	-- The body with media blobs removed and size-capped.
	payload jsonb,
	processing_ms integer,
	received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_channel_idx ON webhook_deliveries (workspace_id, channel_id, received_at DESC);
CREATE INDEX IF NOT EXISTS webhook_deliveries_time_idx ON webhook_deliveries (workspace_id, received_at);
