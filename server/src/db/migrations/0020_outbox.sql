-- The outbox (server/src/outbox): the message row is the source of truth for every send. BullMQ only holds a job
-- per queued row (job id = message id); the reconciler rebuilds the jobs from these columns after Redis is lost.

ALTER TABLE whatsapp_messages
	-- Who started the send: 'reply' (the contact wrote in the last 24 h: goes at once) or 'proactive' (paced).
	-- NULL for everything the outbox did not queue (ingest, notes, history), which keeps those out of every send path.
	ADD COLUMN IF NOT EXISTS origin text CHECK (origin IN ('reply', 'proactive')),
	-- What to send, as accepted (type-specific fields: media URL, location, contact card, quoted id, typing on/off).
	ADD COLUMN IF NOT EXISTS outbox_request jsonb,
	-- When the worker will try next (a retry's back-off, a held proactive send, a 429's Retry-After).
	ADD COLUMN IF NOT EXISTS next_attempt_at timestamptz,
	-- Set while a send call is in flight; still set after a crash: the message may have gone out, so the worker waits
	-- until that call could no longer be running and looks for it (stored send.message echo, /chat/findMessages).
	ADD COLUMN IF NOT EXISTS sending_since timestamptz,
	-- A send whose outcome is unknown (it timed out, the connection dropped after the request went out): before the
	-- next attempt the worker looks for it instead of sending blindly.
	ADD COLUMN IF NOT EXISTS send_in_doubt boolean NOT NULL DEFAULT false,
	-- Held back by pacing, and when it is expected to go.
	ADD COLUMN IF NOT EXISTS paced boolean NOT NULL DEFAULT false,
	ADD COLUMN IF NOT EXISTS expected_send_at timestamptz,
	-- Machine-readable reason of the last failure (not_on_whatsapp, http_500, timeout, rate_limited, cancelled…).
	ADD COLUMN IF NOT EXISTS error_code text;

-- What the reconciler and the worker scan: queued outbox rows per channel, oldest first (small: only queued rows).
CREATE INDEX IF NOT EXISTS whatsapp_messages_outbox_queued_idx
	ON whatsapp_messages (workspace_id, channel_id, created_at) WHERE status = 'queued' AND origin IS NOT NULL;
-- Pacing counts the proactive sends of a channel in the last minute and day.
CREATE INDEX IF NOT EXISTS whatsapp_messages_outbox_paced_idx
	ON whatsapp_messages (workspace_id, channel_id, sent_at) WHERE origin = 'proactive' AND sent_at IS NOT NULL;

-- Opt-out: the contact wrote one of the opt-out words (SAIR, PARAR, STOP, CANCELAR…). Proactive sends are refused.
ALTER TABLE contacts
	ADD COLUMN IF NOT EXISTS opted_out_at timestamptz,
	ADD COLUMN IF NOT EXISTS opted_out_word text;

-- The outbox's own pause of a channel (circuit breaker, proactive auto-pause), apart from the connection state:
-- messages stay queued and the channel says why.
ALTER TABLE whatsapp_channels
	ADD COLUMN IF NOT EXISTS outbox_paused_reason text,
	ADD COLUMN IF NOT EXISTS outbox_paused_detail text,
	ADD COLUMN IF NOT EXISTS outbox_paused_at timestamptz;
