-- The stored messages checked against the key added by 0100 (scanning them holds a lock that lets writes go on).
ALTER TABLE whatsapp_messages VALIDATE CONSTRAINT whatsapp_messages_conversation_scope_fkey;
