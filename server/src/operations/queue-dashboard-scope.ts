import type { Caller } from '../auth/caller';
import type { Queryable } from '../db/db';
import { outboxQueueName } from '../outbox/outbox-queues';

/**
 * What one admin may see and do on the queue dashboard. The outbox has a queue per channel, so a channel's queue
 * belongs to the channel's workspace; every other queue (channel lifecycle, media fetch, history sync, webhook
 * deliveries, reply waits, AI replies) is shared by every workspace of the server, and its jobs are theirs. So:
 * - a server operator (an admin of a workspace in OPERATOR_WORKSPACE_IDS) sees every queue and has every action;
 * - any other admin sees only the outbox queues of their own workspace's channels, and only the job-level actions.
 */
export interface DashboardScope {
	operator: boolean;
	/** The queues a workspace admin sees (unused for an operator). */
	queueNames: ReadonlySet<string>;
}

export async function dashboardScopeOf(db: Queryable, admin: Caller, operatorWorkspaceIds: readonly string[]): Promise<DashboardScope> {
	if (operatorWorkspaceIds.includes(admin.workspaceId)) return { operator: true, queueNames: new Set() };
	const { rows } = await db.query<{ id: string }>('SELECT id FROM whatsapp_channels WHERE workspace_id = $1', [admin.workspaceId]);
	return { operator: false, queueNames: new Set(rows.map((row) => outboxQueueName(row.id))) };
}

export function mayView(scope: DashboardScope | undefined, queueName: string): boolean {
	if (!scope) return false;
	return scope.operator || scope.queueNames.has(queueName);
}

// The changes a workspace admin may make through bull-board's API (paths as bull-board declares its routes): the
// job-level actions on the queues they see. Not the rest: adding jobs or editing a job's data could point their
// channel's worker at another workspace's message, and concurrency or rate-limit changes would undo the outbox's
// one-send-at-a-time-per-number rule (evolution#439). Reads are all allowed (the visibility guard scopes them).
const WORKSPACE_ADMIN_ACTIONS = new Set([
	'/api/queues/pause',
	'/api/queues/resume',
	'/api/queues/:queueName/retry/:queueStatus',
	'/api/queues/:queueName/clean/:queueStatus',
	'/api/queues/:queueName/promote',
	'/api/queues/:queueName/pause',
	'/api/queues/:queueName/resume',
	'/api/queues/:queueName/empty',
	'/api/queues/:queueName/:jobId/retry',
	'/api/queues/:queueName/:jobId/clean',
	'/api/queues/:queueName/:jobId/promote',
]);

/** Whether the request (method, bull-board route under the dashboard's base path) is one this admin may make. */
export function mayRequest(scope: DashboardScope, method: string, route: string): boolean {
	if (scope.operator || method === 'GET' || method === 'HEAD') return true;
	return WORKSPACE_ADMIN_ACTIONS.has(route);
}
