-- Outgoing webhook subscriptions (server/src/webhook-subscriptions/): a workspace's URLs that hear inbox events (the
-- n8n WhatsApp Inbox Trigger registers one per active workflow). Evolution keeps one webhook per instance and the
-- server owns it, so this is how several workflows hear the same number.

CREATE TABLE IF NOT EXISTS webhook_subscriptions (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
	url text NOT NULL,
	-- Event names it hears (message.received…); empty = every event.
	events text[] NOT NULL DEFAULT ARRAY[]::text[],
	description text,
	-- The HMAC-SHA256 signing secret, AES-256-GCM with the integrations key; shown once, never answered again.
	secret_encrypted text NOT NULL,
	is_active boolean NOT NULL DEFAULT true,
	created_by_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS webhook_subscriptions_workspace_idx ON webhook_subscriptions (workspace_id, is_active, created_at);

-- One event for one subscription: written before its BullMQ job, so a lost job is found again (at least once).
CREATE TABLE IF NOT EXISTS webhook_subscription_deliveries (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
	subscription_id uuid NOT NULL REFERENCES webhook_subscriptions(id) ON DELETE CASCADE,
	-- The event's id (the same for every subscription hearing it, and for every retry): receivers dedupe on it.
	event_id uuid NOT NULL,
	event_type text NOT NULL,
	payload jsonb NOT NULL,
	-- pending (first try or a retry to come) → delivered | failed (attempts used up)
	status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
	attempts integer NOT NULL DEFAULT 0,
	last_status_code integer,
	last_error text,
	next_attempt_at timestamptz,
	created_at timestamptz NOT NULL DEFAULT now(),
	delivered_at timestamptz,
	updated_at timestamptz NOT NULL DEFAULT now()
);
-- The same event reaches a subscription once, even when two replicas (or two realtime announcements) map it.
CREATE UNIQUE INDEX IF NOT EXISTS webhook_subscription_deliveries_event_key ON webhook_subscription_deliveries (workspace_id, subscription_id, event_id);
CREATE INDEX IF NOT EXISTS webhook_subscription_deliveries_list_idx ON webhook_subscription_deliveries (workspace_id, subscription_id, created_at DESC);
CREATE INDEX IF NOT EXISTS webhook_subscription_deliveries_pending_idx ON webhook_subscription_deliveries (workspace_id, created_at) WHERE status = 'pending';

-- Every HTTP attempt of a delivery: when, the answer's status (or the network error), how long it took.
CREATE TABLE IF NOT EXISTS webhook_subscription_attempts (
	delivery_id uuid NOT NULL REFERENCES webhook_subscription_deliveries(id) ON DELETE CASCADE,
	workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
	attempt integer NOT NULL,
	status_code integer,
	error text,
	duration_ms integer NOT NULL,
	attempted_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (delivery_id, attempt)
);
CREATE INDEX IF NOT EXISTS webhook_subscription_attempts_delivery_idx ON webhook_subscription_attempts (workspace_id, delivery_id, attempt);

-- Supabase only (a no-op elsewhere): admins manage subscriptions through the API; direct client access sees nothing
-- of other workspaces.
DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'auth')
		AND EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'auth' AND p.proname = 'uid') THEN
		ALTER TABLE webhook_subscriptions ENABLE ROW LEVEL SECURITY;
		ALTER TABLE webhook_subscription_deliveries ENABLE ROW LEVEL SECURITY;
		ALTER TABLE webhook_subscription_attempts ENABLE ROW LEVEL SECURITY;
	END IF;
END
$$;
