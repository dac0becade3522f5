-- The instance webhooks the server keeps pointed at itself (channel-lifecycle.ts checkWebhook). A server restarted
-- on another PUBLIC_URL or port must set them again, or Evolution goes on posting to the old address and the inbox
-- silently stops receiving.
ALTER TABLE whatsapp_channels
	-- true once the server set the instance's webhook (it created or attached the instance); a channel added with
	-- instance "none" has a webhook someone else configured, and it is left alone.
	ADD COLUMN IF NOT EXISTS webhook_managed boolean NOT NULL DEFAULT false,
	-- A check owed: the base (PUBLIC_URL, else the server's own address) the webhook must point under, as the last
	-- server to start computed it. Cleared once Evolution holds the right webhook; while Evolution cannot be reached
	-- it stays, and the health sweep tries again.
	ADD COLUMN IF NOT EXISTS webhook_check_base text;

-- Channels from before this column: the server created the instance, or attached it (the attach step's log line).
UPDATE whatsapp_channels c SET webhook_managed = true
 WHERE c.provider = 'evolution' AND NOT c.webhook_managed
   AND (c.instance_owned OR EXISTS (SELECT 1 FROM channel_log l WHERE l.channel_id = c.id AND l.reason IN ('instance_created', 'instance_attached')));
