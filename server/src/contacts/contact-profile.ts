import type { Tx } from '../db/db';
import type { ChatIdentity } from '../providers/provider-events';

/**
 * contacts.upsert / contacts.update: refreshes the name and picture of a contact we already have. Unknown JIDs
 * are not created here (a sync would flood the inbox with address-book entries nobody wrote to).
 */
export async function updateContactProfile(
	tx: Tx,
	workspaceId: string,
	chat: ChatIdentity,
	profile: { name?: string; avatarUrl?: string | null },
): Promise<Record<string, unknown> | undefined> {
	const { rows } = await tx.query(
		`UPDATE contacts SET push_name = COALESCE($4, push_name), avatar_url = CASE WHEN $5 THEN $6 ELSE avatar_url END, updated_at = now()
		 WHERE workspace_id = $1 AND (phone_e164 = $2 OR wa_jid = $3 OR lid = $3)
		   AND (push_name IS DISTINCT FROM COALESCE($4, push_name) OR ($5 AND avatar_url IS DISTINCT FROM $6))
		 RETURNING id, workspace_id, phone_e164, wa_jid, lid, name, push_name, avatar_url`,
		[workspaceId, chat.phone ?? null, chat.jid, profile.name ?? null, profile.avatarUrl !== undefined, profile.avatarUrl ?? null],
	);
	return rows[0];
}
