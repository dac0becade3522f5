import { api, type ApiAnswer, unwrap } from '../../lib/api-client';

/** A history sync run as the server answers it and `sync.progress` carries it (from the OpenAPI document). */
export type SyncRun = ApiAnswer<'/api/v1/channels/{channelId}/syncs/{runId}', 'get'>;

export const isActiveRun = (run: SyncRun | undefined) => run?.status === 'queued' || run?.status === 'running';

/** The query key of a channel's runs; sync.progress events write into it (app/realtime-context.tsx). */
export const syncRunsKey = (channelId: string) => ['channel', channelId, 'syncs'];

export const listSyncRuns = (channelId: string) => unwrap(api.GET('/api/v1/channels/{channelId}/syncs', { params: { path: { channelId }, query: { limit: 5 } } }));

export const startSync = (channelId: string, days: number) => unwrap(api.POST('/api/v1/channels/{channelId}/syncs', { params: { path: { channelId } }, body: { days } }));

export const cancelSync = (channelId: string, runId: string) =>
	unwrap(api.POST('/api/v1/channels/{channelId}/syncs/{runId}/cancel', { params: { path: { channelId, runId } } }));
