import type { Db } from '../../db/db';

/** What an admin decides for the whole workspace (more settings join this shape as features need them). */
export interface WorkspaceSettings {
	/**
	 * Keep the content of messages deleted for everyone. Off by default: the sender took the message back (it may have
	 * held a CPF or a card number), so its text, caption, media reference and details are cleared when the delete is
	 * stored (migration 0017's trigger) and the thread shows only that a message was deleted there.
	 */
	retainDeletedMessages: boolean;
}

export async function readWorkspaceSettings(db: Db, workspaceId: string): Promise<WorkspaceSettings> {
	const { rows } = await db.query<WorkspaceSettings>('SELECT retain_deleted_messages AS "retainDeletedMessages" FROM workspaces WHERE id = $1', [workspaceId]);
	return rows[0] ?? { retainDeletedMessages: false };
}

/**
 * Changes the given settings. Turning retention off also forgets what it kept: the deleted messages still holding
 * content are touched, and the trigger clears them, in the same transaction.
 */
export async function updateWorkspaceSettings(db: Db, workspaceId: string, change: Partial<WorkspaceSettings>): Promise<WorkspaceSettings> {
	return db.transaction(async (tx) => {
		if (change.retainDeletedMessages !== undefined) {
			await tx.query('UPDATE workspaces SET retain_deleted_messages = $2, updated_at = now() WHERE id = $1', [workspaceId, change.retainDeletedMessages]);
			if (!change.retainDeletedMessages) {
				await tx.query(
					`UPDATE whatsapp_messages SET is_deleted = true
					 WHERE workspace_id = $1 AND is_deleted AND (body IS NOT NULL OR media_url IS NOT NULL OR media_storage_key IS NOT NULL OR media_id IS NOT NULL OR details IS NOT NULL)`,
					[workspaceId],
				);
			}
		}
		const { rows } = await tx.query<WorkspaceSettings>('SELECT retain_deleted_messages AS "retainDeletedMessages" FROM workspaces WHERE id = $1', [workspaceId]);
		return rows[0];
	});
}
