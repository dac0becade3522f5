-- Messages deleted for everyone, continued (0065): an audit copy that names the message can be written after its purge
-- ran. Evolution retries a delivery for about 20 minutes (CONTRACT §3.1: 10 attempts, backoff capped at 300 s), a late
-- ack names the message, and on a busy server the revoke's own copy may commit a moment after the purge read the
-- table. So a purge looks again: deleted-content-purge.ts queues its later passes (pass 1, 2, …), each due at
-- not_before, which redact what arrived since.
ALTER TABLE deleted_content_purges ADD COLUMN IF NOT EXISTS pass smallint NOT NULL DEFAULT 0;
ALTER TABLE deleted_content_purges ADD COLUMN IF NOT EXISTS not_before timestamptz NOT NULL DEFAULT now();
