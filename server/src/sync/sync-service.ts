import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { decryptSecret } from '../channels/secret-cipher';
import type { Db } from '../db/db';
import { ApiError, notFound } from '../inbox/api/api-error';
import type { Logger } from '../logging/logger';
import { EvolutionClient } from '../providers/evolution/evolution-client';
import type { InboxEvent, InboxPublisher, RealtimeSink } from '../realtime/inbox-events';
import { executeSyncRun, type SyncRunDeps } from './sync-run';
import { activeSyncRun, insertSyncRun, listSyncRuns, readSyncRun, unfinishedSyncRuns, type SyncRunView } from './sync-runs';

export const SYNC_QUEUE = 'messages_sync';

export interface SyncServiceDeps {
	db: Db;
	logger: Logger;
	publisher: InboxPublisher;
	integrationsKey: Buffer;
	/** The server's Evolution global key, for channels stored without a key of their own. */
	evolutionApiKey?: string;
	redisUrl: string;
	queuePrefix?: string;
	/** Chats imported in parallel per run (default 8). */
	workers?: number;
	requestTimeoutMs?: number;
	retryDelayMs?: number;
}

interface ChannelRow {
	provider: string;
	instanceName: string;
	baseUrl: string;
	apiKeySealed: string | null;
	tokenSealed: string | null;
}

/**
 * History sync as a BullMQ queue (`messages_sync`): a run is a row (whatsapp_sync_runs) and a job naming it, so any
 * replica's worker may execute it and a run whose process stopped is found again in the database at the next start
 * and resumed from its chats' cursors (a private Redis forgets its jobs; the rows do not). Also starts the run a
 * channel asks for on its first connection (the `sync_on_first_connect` setting), when the state machine reports it.
 */
export class SyncService {
	readonly queue: Queue;
	private worker?: Worker;
	private readonly connections: Redis[] = [];
	private stopping = false;

	constructor(private readonly deps: SyncServiceDeps) {
		this.queue = new Queue(SYNC_QUEUE, {
			connection: this.connection(),
			prefix: deps.queuePrefix,
			// A finished job is removed, so the same run can be queued again after a restart (jobId = the run).
			defaultJobOptions: { removeOnComplete: true, removeOnFail: true, attempts: 3, backoff: { type: 'exponential', delay: 2000 } },
		});
		this.queue.on('error', (error) => deps.logger.warn({ err: error.message }, 'sync queue error'));
	}

	private connection(): Redis {
		// BullMQ needs maxRetriesPerRequest: null (its blocking calls wait as long as they must).
		const redis = new Redis(this.deps.redisUrl, { maxRetriesPerRequest: null });
		redis.on('error', () => undefined);
		this.connections.push(redis);
		return redis;
	}

	/** This replica's worker. Runs of different channels go side by side; each run has its own 8 chat workers. */
	start(): void {
		this.worker = new Worker(SYNC_QUEUE, (job: Job<{ workspaceId: string; runId: string }>) => this.execute(job.data.workspaceId, job.data.runId), {
			connection: this.connection(),
			prefix: this.deps.queuePrefix,
			concurrency: 2,
		});
		this.worker.on('error', (error) => this.deps.logger.warn({ err: error.message }, 'sync worker error'));
		this.worker.on('failed', (job, error) => this.deps.logger.warn({ runId: job?.data.runId, err: error.message }, 'sync job failed'));
	}

	/** At start: queue again every run a stop interrupted (queued or running in the database). */
	async resumeUnfinished(): Promise<number> {
		const runs = await unfinishedSyncRuns(this.deps.db);
		for (const run of runs) await this.enqueue(run.workspaceId, run.runId);
		if (runs.length) this.deps.logger.info({ runs: runs.length }, 'history sync: resuming interrupted runs');
		return runs.length;
	}

	private async enqueue(workspaceId: string, runId: string): Promise<void> {
		await this.queue.add('sync-run', { workspaceId, runId }, { jobId: `sync-${runId}` });
	}

	private async execute(workspaceId: string, runId: string): Promise<void> {
		const deps: SyncRunDeps = {
			db: this.deps.db,
			logger: this.deps.logger,
			publisher: this.deps.publisher,
			workers: this.deps.workers,
			retryDelayMs: this.deps.retryDelayMs,
			stopping: () => this.stopping,
			evolution: (ws, channelId) => this.evolution(ws, channelId),
		};
		const run = await executeSyncRun(deps, workspaceId, runId);
		this.deps.logger.info({ runId, status: run?.status, imported: run?.messagesImported, chats: run?.chatsDone, errors: run?.errors }, 'history sync run ended');
	}

	/** Starts a run for a channel; 409 when one is already queued or running. */
	async startRun(
		workspaceId: string,
		channelId: string,
		request: { days: number; chats?: string[]; trigger?: 'manual' | 'first_connect'; requestedBy?: string },
	): Promise<SyncRunView> {
		const channel = await this.channel(workspaceId, channelId);
		if (!channel) throw notFound('Channel');
		if (channel.provider !== 'evolution') throw new ApiError(422, 'unsupported_provider', 'History sync reads Evolution\'s message store; this channel is not an Evolution channel.');
		const run = await insertSyncRun(this.deps.db, { workspaceId, channelId, days: request.days, chats: request.chats, trigger: request.trigger ?? 'manual', requestedBy: request.requestedBy });
		if (!run) {
			const active = await activeSyncRun(this.deps.db, workspaceId, channelId);
			throw new ApiError(409, 'sync_running', `A history sync of this channel is already ${active?.status ?? 'running'} (run ${active?.id ?? '?'}); cancel it or wait for it to end.`);
		}
		await this.enqueue(workspaceId, run.id);
		await this.deps.publisher
			.publish(workspaceId, [{ type: 'sync.progress', channelId, data: { run }, at: Date.now() }])
			.catch((error: Error) => this.deps.logger.warn({ err: error.message }, 'history sync: progress not published'));
		return run;
	}

	async list(workspaceId: string, channelId: string, limit: number): Promise<SyncRunView[]> {
		if (!(await this.channel(workspaceId, channelId))) throw notFound('Channel');
		return listSyncRuns(this.deps.db, workspaceId, channelId, limit);
	}

	async get(workspaceId: string, channelId: string, runId: string): Promise<SyncRunView> {
		const run = await readSyncRun(this.deps.db, workspaceId, runId);
		if (!run || run.channelId !== channelId) throw notFound('Sync run');
		return run;
	}

	/** Asks a run to stop: a queued one ends at once, a running one after the pages in flight (its workers check between pages). */
	async cancel(workspaceId: string, channelId: string, runId: string): Promise<SyncRunView> {
		const { rows } = await this.deps.db.query<{ status: string }>(
			`UPDATE whatsapp_sync_runs SET cancel_requested = true,
				status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END,
				finished_at = CASE WHEN status = 'queued' THEN now() ELSE finished_at END, updated_at = now()
			 WHERE workspace_id = $1 AND channel_id = $2 AND id = $3 AND status IN ('queued', 'running') RETURNING status`,
			[workspaceId, channelId, runId],
		);
		const run = await this.get(workspaceId, channelId, runId);
		if (!rows[0] && !['cancelled'].includes(run.status)) throw new ApiError(409, 'sync_finished', `This run already ended (${run.status}).`);
		await this.deps.publisher.publish(workspaceId, [{ type: 'sync.progress', channelId, data: { run }, at: Date.now() }]).catch(() => undefined);
		return run;
	}

	/** The setting of a channel: start a sync by itself on its first connection, and how many days it imports. */
	async setFirstConnectSetting(workspaceId: string, channelId: string, setting: { enabled: boolean; days?: number }): Promise<{ syncOnFirstConnect: boolean; days: number }> {
		const { rows } = await this.deps.db.query<{ syncOnFirstConnect: boolean; days: number }>(
			`UPDATE whatsapp_channels SET sync_on_first_connect = $3, sync_on_first_connect_days = COALESCE($4, sync_on_first_connect_days), updated_at = now()
			 WHERE workspace_id = $1 AND id = $2 RETURNING sync_on_first_connect AS "syncOnFirstConnect", sync_on_first_connect_days AS days`,
			[workspaceId, channelId, setting.enabled, setting.days ?? null],
		);
		if (!rows[0]) throw notFound('Channel');
		return rows[0];
	}

	/**
	 * The channel became connected: when its setting asks for it and it never started its first-connect sync, start
	 * one (claimed with one UPDATE, so two replicas hearing the same connection start it once).
	 */
	async onChannelConnected(workspaceId: string, channelId: string): Promise<SyncRunView | undefined> {
		const { rows } = await this.deps.db.query<{ days: number }>(
			`UPDATE whatsapp_channels SET first_sync_started_at = now()
			 WHERE workspace_id = $1 AND id = $2 AND provider = 'evolution' AND sync_on_first_connect AND first_sync_started_at IS NULL
			 RETURNING sync_on_first_connect_days AS days`,
			[workspaceId, channelId],
		);
		if (!rows[0]) return undefined;
		return this.startRun(workspaceId, channelId, { days: rows[0].days, trigger: 'first_connect' }).catch((error: Error) => {
			this.deps.logger.warn({ channelId, err: error.message }, 'history sync on first connect not started');
			return undefined;
		});
	}

	/**
	 * A realtime sink that watches the channel state machine's announcements for a channel becoming connected, from
	 * ingest (a connection.update webhook) or the lifecycle. It never waits: ingest's path must not await the sync.
	 */
	connectionWatcher(): RealtimeSink {
		return {
			send: async (workspaceId: string, events: InboxEvent[]) => {
				for (const event of events) {
					if (event.type !== 'channel.updated' || event.data.status !== 'connected' || !event.channelId) continue;
					void this.onChannelConnected(workspaceId, event.channelId).catch((error: Error) => this.deps.logger.warn({ err: error.message }, 'history sync: first-connect check failed'));
				}
			},
		};
	}

	private async channel(workspaceId: string, channelId: string): Promise<ChannelRow | undefined> {
		const { rows } = await this.deps.db.query<ChannelRow>(
			`SELECT provider, instance_name AS "instanceName", base_url AS "baseUrl", api_key_encrypted AS "apiKeySealed", instance_token_encrypted AS "tokenSealed"
			 FROM whatsapp_channels WHERE workspace_id = $1 AND id = $2`,
			[workspaceId, channelId],
		);
		return rows[0];
	}

	/** The channel's instance with the best key it has: its own API key, else the instance token, else the server's. */
	private async evolution(workspaceId: string, channelId: string): Promise<{ client: EvolutionClient; instance: string }> {
		const row = await this.channel(workspaceId, channelId);
		if (!row) throw new Error('the channel was removed');
		const key = this.deps.integrationsKey;
		const apiKey = row.apiKeySealed ? decryptSecret(row.apiKeySealed, key) : row.tokenSealed ? decryptSecret(row.tokenSealed, key) : this.deps.evolutionApiKey;
		return { client: new EvolutionClient({ baseUrl: row.baseUrl, apiKey, timeoutMs: this.deps.requestTimeoutMs }), instance: row.instanceName };
	}

	/** Stops taking runs; runs in flight stop after their current pages and stay `running`, to resume at the next start. */
	async close(): Promise<void> {
		this.stopping = true;
		await this.worker?.close().catch(() => undefined);
		await this.queue.close().catch(() => undefined);
		for (const redis of this.connections) redis.disconnect();
	}
}
