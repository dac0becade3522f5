import type { Tx } from '../db/db';
import type { Presence } from '../providers/provider-events';

/** Records the contact's last presence (typing, recording, online) on the conversation with that chat. */
export async function recordPresence(tx: Tx, workspaceId: string, channelId: string, chatJid: string, presence: Presence): Promise<{ id: string } | undefined> {
	const { rows } = await tx.query<{ id: string }>(
		`UPDATE whatsapp_conversations SET contact_presence = $4, contact_presence_at = now()
		 WHERE workspace_id = $1 AND channel_id = $2 AND (chat_jid = $3 OR chat_lid = $3) RETURNING id`,
		[workspaceId, channelId, chatJid, presence],
	);
	return rows[0];
}
