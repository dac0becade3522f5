import type { Tx } from '../db/db';

export interface ReactionChange {
	workspaceId: string;
	channelId: string;
	targetWaMessageId: string;
	reactorJid: string;
	emoji: string;
	fromMe: boolean;
	reactionWaMessageId: string;
	at: Date;
}

/**
 * Keeps each person's current reaction on a message (WhatsApp allows one); an empty emoji removes it. Keyed by the
 * target's WhatsApp id, so it attaches whether or not the target is stored yet.
 */
export async function applyReaction(tx: Tx, change: ReactionChange): Promise<void> {
	const key = [change.workspaceId, change.channelId, change.targetWaMessageId, change.reactorJid];
	if (change.emoji === '') {
		await tx.query('DELETE FROM whatsapp_message_reactions WHERE workspace_id = $1 AND channel_id = $2 AND target_wa_message_id = $3 AND reactor_jid = $4 AND reacted_at <= $5', [...key, change.at.toISOString()]);
		return;
	}
	await tx.query(
		`INSERT INTO whatsapp_message_reactions AS r (workspace_id, channel_id, target_wa_message_id, reactor_jid, emoji, from_me, reaction_wa_message_id, reacted_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		 ON CONFLICT (workspace_id, channel_id, target_wa_message_id, reactor_jid) DO UPDATE
		 SET emoji = EXCLUDED.emoji, reaction_wa_message_id = EXCLUDED.reaction_wa_message_id, reacted_at = EXCLUDED.reacted_at
		 WHERE EXCLUDED.reacted_at >= r.reacted_at`,
		[...key, change.emoji, change.fromMe, change.reactionWaMessageId, change.at.toISOString()],
	);
}
