-- A message's workspace, channel and conversation are checked by one foreign key instead of three.
--
-- Each foreign key check locks the row it finds (FOR KEY SHARE). With three of them every stored message locked its
-- workspace's row and its channel's row; a history import (or a busy channel's webhooks) writes from several
-- connections at once, and all of them locking the same two rows makes those locks shared ones (multixacts). In
-- alternated runs of the history-sync benchmark the import was 5–15 % faster without those two checks (about the
-- size of that machine's noise; BENCHMARKS.md). The conversation already belongs to
-- one workspace and one channel, so a key over (workspace, channel, conversation) checks all three in one look-up —
-- and says more than the three did: a message can no longer name a channel or workspace other than its
-- conversation's. Deleting a workspace or a channel still removes its messages, through their conversations.
CREATE UNIQUE INDEX IF NOT EXISTS whatsapp_conversations_scope_key ON whatsapp_conversations (workspace_id, channel_id, id);

-- NOT VALID: new and changed rows are checked from here on; the rows already stored are checked by the next
-- migration, in a transaction of its own that does not hold this one's lock (ingest keeps writing meanwhile).
ALTER TABLE whatsapp_messages DROP CONSTRAINT IF EXISTS whatsapp_messages_conversation_scope_fkey;
ALTER TABLE whatsapp_messages
	ADD CONSTRAINT whatsapp_messages_conversation_scope_fkey FOREIGN KEY (workspace_id, channel_id, conversation_id)
	REFERENCES whatsapp_conversations (workspace_id, channel_id, id) ON DELETE CASCADE NOT VALID;

ALTER TABLE whatsapp_messages
	DROP CONSTRAINT IF EXISTS whatsapp_messages_workspace_id_fkey,
	DROP CONSTRAINT IF EXISTS whatsapp_messages_channel_id_fkey,
	DROP CONSTRAINT IF EXISTS whatsapp_messages_conversation_id_fkey;
