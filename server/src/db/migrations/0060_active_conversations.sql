-- The inbox's default list is "active": pending + open, what waits for an answer (a customer's first message makes a
-- pending conversation). Partial indexes in the list's keyset order keep that list and its tab counts one short index
-- scan each, like the single-status lists of 0010.
CREATE INDEX IF NOT EXISTS whatsapp_conversations_tab_active_idx
	ON whatsapp_conversations (workspace_id, last_activity_at DESC, id DESC)
	WHERE status IN ('pending', 'open');
CREATE INDEX IF NOT EXISTS whatsapp_conversations_tab_assignee_active_idx
	ON whatsapp_conversations (workspace_id, assigned_user_id, last_activity_at DESC, id DESC)
	WHERE status IN ('pending', 'open');
