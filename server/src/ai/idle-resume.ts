import type { Db } from '../db/db';
import type { Logger } from '../logging/logger';
import type { InboxPublisher } from '../realtime/inbox-events';
import { changeAiState } from './ai-state';

// Conversations resumed per sweep at most (the next sweep takes the rest).
const SWEEP_LIMIT = 200;

/**
 * The idle resume: a paused or handed-off conversation goes back to the AI once no attendant has acted in it for the
 * agent's idleResumeMinutes (counted from the later of the last attendant action and the pause). Run by the AI
 * queue's repeatable job, so one replica does it per period.
 */
export class IdleResume {
	constructor(private readonly deps: { db: Db; publisher: InboxPublisher; logger: Logger }) {}

	async sweep(): Promise<number> {
		const { rows } = await this.deps.db.query<{ workspaceId: string; id: string; minutes: number }>(
			`SELECT c.workspace_id AS "workspaceId", c.id, (a.settings->>'idleResumeMinutes')::float8 AS minutes
			 FROM whatsapp_conversations c
			 JOIN whatsapp_channels ch ON ch.id = c.channel_id AND ch.workspace_id = c.workspace_id
			 JOIN ai_agents a ON a.id = ch.ai_agent_id AND a.workspace_id = c.workspace_id
			 WHERE c.ai_state IN ('paused', 'handed_off') AND a.enabled AND jsonb_typeof(a.settings->'idleResumeMinutes') = 'number'
				AND GREATEST(c.ai_state_changed_at, coalesce(c.ai_attendant_at, c.ai_state_changed_at))
					< now() - ((a.settings->>'idleResumeMinutes')::float8 * interval '1 minute')
			 LIMIT ${SWEEP_LIMIT}`,
		);
		let resumed = 0;
		for (const row of rows) {
			const minutes = Math.round(row.minutes * 10) / 10;
			const result = await this.deps.db.transaction((tx) =>
				changeAiState(tx, row.workspaceId, row.id, {
					to: 'active',
					from: ['paused', 'handed_off'],
					reason: 'idle_resume',
					line: `AI resumed: no attendant activity for ${minutes} min`,
					lineVars: { minutes },
					byUserId: null,
					handledThroughNow: true,
				}),
			);
			if (!result.changed) continue;
			resumed++;
			await this.deps.publisher.publish(row.workspaceId, result.events).catch((error: Error) => this.deps.logger.warn({ err: error.message }, 'ai: realtime publish failed'));
		}
		return resumed;
	}
}
