import { api, unwrap } from '../../lib/api-client';

/** A history sync run as the server answers it and `sync.progress` carries it (server/src/sync/sync-runs.ts). */
export interface SyncRun {
	id: string;
	channelId: string;
	status: 'queued' | 'running' | 'completed' | 'cancelled' | 'failed';
	trigger: 'manual' | 'first_connect';
	days: number;
	chatsTotal: number;
	chatsDone: number;
	messagesImported: number;
	messagesSeen: number;
	errors: number;
	lastError: string | null;
	cancelRequested: boolean;
	createdAt: string;
	startedAt: string | null;
	finishedAt: string | null;
}

export const isActiveRun = (run: SyncRun | undefined) => run?.status === 'queued' || run?.status === 'running';

/** The query key of a channel's runs; sync.progress events write into it (app/realtime-context.tsx). */
export const syncRunsKey = (channelId: string) => ['channel', channelId, 'syncs'];

export const listSyncRuns = (channelId: string) =>
	unwrap<{ data: SyncRun[] }>(api.GET('/api/v1/channels/{channelId}/syncs', { params: { path: { channelId }, query: { limit: 5 } } }));

export const startSync = (channelId: string, days: number) =>
	unwrap<SyncRun>(api.POST('/api/v1/channels/{channelId}/syncs', { params: { path: { channelId } }, body: { days } }));

export const cancelSync = (channelId: string, runId: string) =>
	unwrap<SyncRun>(api.POST('/api/v1/channels/{channelId}/syncs/{runId}/cancel', { params: { path: { channelId, runId } } }));
