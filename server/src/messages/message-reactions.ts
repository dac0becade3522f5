import type { Tx } from '../db/db';

export interface ReactionChange {
	workspaceId: string;
	channelId: string;
	targetWaMessageId: string;
	reactorJid: string;
	/** '' removes the person's reaction. */
	emoji: string;
	fromMe: boolean;
	reactionWaMessageId: string;
	at: Date;
}

/**
 * Keeps each person's current reaction on a message (WhatsApp allows one). A reaction is not a message of the thread:
 * it lives only here, keyed by the target's WhatsApp id, so it attaches whether or not the target is stored yet, and
 * it never moves a conversation's unread count or preview. A removal is kept as a row with an empty emoji (the views
 * skip it) so that a late or repeated delivery of the reaction it removed cannot bring that reaction back; the newer
 * reaction wins, and on a tie within WhatsApp's one-second clock the removal does. Returns whether anything changed
 * (a repeated delivery changes nothing) and the target's conversation when the target is stored.
 */
export async function applyReaction(tx: Tx, change: ReactionChange): Promise<{ changed: boolean; conversationId?: string }> {
	const { rows } = await tx.query<{ conversation_id: string | null }>(
		`INSERT INTO whatsapp_message_reactions AS r (workspace_id, channel_id, target_wa_message_id, reactor_jid, emoji, from_me, reaction_wa_message_id, reacted_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		 ON CONFLICT (workspace_id, channel_id, target_wa_message_id, reactor_jid) DO UPDATE
		 SET emoji = EXCLUDED.emoji, reaction_wa_message_id = EXCLUDED.reaction_wa_message_id, reacted_at = EXCLUDED.reacted_at
		 WHERE EXCLUDED.reacted_at > r.reacted_at OR (EXCLUDED.reacted_at = r.reacted_at AND EXCLUDED.emoji = '' AND r.emoji <> '')
		 RETURNING (SELECT m.conversation_id FROM whatsapp_messages m
			WHERE m.workspace_id = r.workspace_id AND m.channel_id = r.channel_id AND m.wa_message_id = r.target_wa_message_id) AS conversation_id`,
		[change.workspaceId, change.channelId, change.targetWaMessageId, change.reactorJid, change.emoji, change.fromMe, change.reactionWaMessageId, change.at.toISOString()],
	);
	return { changed: rows.length > 0, conversationId: rows[0]?.conversation_id ?? undefined };
}
