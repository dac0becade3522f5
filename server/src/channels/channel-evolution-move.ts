import type { Db } from '../db/db';
import { appendChannelLog } from './channel-log';

/**
 * Points every channel stored with the Evolution base URL `from` at `to`, and says so in each channel's log; answers
 * how many moved. Used at start when the embedded sandbox could not get its old port back (embedded-sandbox.ts).
 * Across workspaces on purpose: the embedded sandbox is the server's own, whichever workspace's channels use it; a
 * channel on any other Evolution (another base URL) is not touched.
 */
export async function moveChannelsToEvolutionAddress(db: Db, from: string, to: string): Promise<number> {
	return db.transaction(async (tx) => {
		const { rows } = await tx.query<{ workspaceId: string; channelId: string }>(
			`UPDATE whatsapp_channels SET base_url = $2, updated_at = now() WHERE base_url = $1 RETURNING workspace_id AS "workspaceId", id AS "channelId"`,
			[from, to],
		);
		for (const row of rows) {
			await appendChannelLog(tx, row.workspaceId, row.channelId, {
				kind: 'step',
				reason: 'evolution_moved',
				message: `The embedded sandbox moved from ${from} to ${to} (its port was taken at start); the channel follows it`,
			});
		}
		return rows.length;
	});
}
