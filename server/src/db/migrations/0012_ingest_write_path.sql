-- The ingest write path: every incoming message updates its conversation and inserts a message row, so each index on
-- those tables is paid per message.

-- Superseded by the list tabs' keyset indexes of 0010 (they sort by last_activity_at, id); nothing reads these.
DROP INDEX IF EXISTS whatsapp_conversations_list_idx;
DROP INDEX IF EXISTS whatsapp_conversations_assignee_idx;
-- Superseded by whatsapp_messages_thread_keyset_idx (threads sort by thread_at, id).
DROP INDEX IF EXISTS whatsapp_messages_thread_idx;

-- The bell keeps one unread "new message" notification per attendant and conversation; later messages refresh it.
-- Unique, so ingest can upsert a whole batch's bells in one statement. Older duplicates are folded into the newest.
DELETE FROM inbox_notifications n
USING inbox_notifications newer
WHERE n.kind = 'message_received' AND newer.kind = 'message_received' AND n.read_at IS NULL AND newer.read_at IS NULL
	AND newer.workspace_id = n.workspace_id AND newer.user_id = n.user_id AND newer.conversation_id = n.conversation_id
	AND (newer.created_at, newer.id) > (n.created_at, n.id);
CREATE UNIQUE INDEX IF NOT EXISTS inbox_notifications_unread_message_key
	ON inbox_notifications (workspace_id, user_id, conversation_id) WHERE kind = 'message_received' AND read_at IS NULL;
