import type { Caller } from '../../auth/caller';
import type { Queryable } from '../../db/db';

/** How a system line names whoever did something: the attendant's name, or the API token's for n8n. */
export async function actorName(db: Queryable, caller: Caller): Promise<string> {
	if (caller.userId) {
		const { rows } = await db.query<{ name: string }>('SELECT name FROM users WHERE workspace_id = $1 AND id = $2', [caller.workspaceId, caller.userId]);
		return rows[0]?.name ?? 'An attendant';
	}
	if (caller.credentialId) {
		const { rows } = await db.query<{ name: string }>('SELECT name FROM api_tokens WHERE workspace_id = $1 AND id = $2', [
			caller.workspaceId,
			caller.credentialId,
		]);
		if (rows[0]) return `${rows[0].name} (API)`;
	}
	return 'Automation';
}
