-- Messages in the same second: WhatsApp's timestamps have whole seconds, and a customer who sends three lines at once
-- gives three messages with the same thread_at. Ties were broken by the random uuid id, so such lines could show in
-- any order. thread_seq is the order the server stored them in (the order the webhooks arrived, the order of a batch),
-- and breaks those ties.
CREATE SEQUENCE IF NOT EXISTS whatsapp_messages_thread_seq AS bigint;

-- Rows from before this migration read 0 (a constant default needs no table rewrite); new rows take the sequence.
ALTER TABLE whatsapp_messages ADD COLUMN IF NOT EXISTS thread_seq bigint NOT NULL DEFAULT 0;
ALTER TABLE whatsapp_messages ALTER COLUMN thread_seq SET DEFAULT nextval('whatsapp_messages_thread_seq');
ALTER SEQUENCE whatsapp_messages_thread_seq OWNED BY whatsapp_messages.thread_seq;

CREATE INDEX IF NOT EXISTS whatsapp_messages_thread_order_idx
	ON whatsapp_messages (workspace_id, conversation_id, thread_at DESC, thread_seq DESC, id DESC);
-- Superseded by the index above (same leading columns).
DROP INDEX IF EXISTS whatsapp_messages_thread_keyset_idx;
